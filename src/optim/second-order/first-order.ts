// A first-order optimizer as a TrainingMethod: one compiled plan (forward, backward, update).
import { compile, type CompiledStep, type Feeds } from '../../graph/compile.js';
import { AuthorsFirstOrder } from '../authors-first-order.js';
import type { Optimizer } from '../optimizer.js';
import type { TrainingMethod } from './method.js';
import type { KronProblem } from './problem.js';

export class FirstOrderMethod implements TrainingMethod {
  private constructor(
    readonly name: string,
    private readonly problem: KronProblem,
    private readonly optimizer: Optimizer,
    private readonly train: CompiledStep,
    private readonly warmSecondMoment: boolean,
  ) {}

  /**
   * `optimizer` must hold the problem's parameters. With `warmSecondMoment` (the authors'
   * RMSprop) warmStart() sets its second moment to the average of (grad + τθ)² over one pass.
   */
  static async create(name: string, problem: KronProblem, optimizer: Optimizer, warmSecondMoment = false): Promise<FirstOrderMethod> {
    const train = await compile(problem.feeds, (inputs) => {
      const { loss } = problem.forward(inputs);
      loss.backward();
      optimizer.step();
      return { loss };
    });
    return new FirstOrderMethod(name, problem, optimizer, train, warmSecondMoment && optimizer instanceof AuthorsFirstOrder);
  }

  async warmStart(batches: Iterable<Feeds>, count: number): Promise<void> {
    if (!this.warmSecondMoment) return;
    const optimizer = this.optimizer as AuthorsFirstOrder;
    const warm = await compile(this.problem.feeds, (inputs) => {
      const { loss } = this.problem.forward(inputs);
      loss.backward();
      optimizer.accumulateSecondMoment(1 / count);
      return { loss };
    });
    for (const feeds of batches) await warm.run(feeds);
    warm.dispose();
  }

  async step(feeds: Feeds): Promise<void> {
    await this.train.run(feeds);
  }

  async diagnostics(): Promise<Record<string, number>> {
    return { iterations: await this.optimizer.stepCount() };
  }

  dispose(): void {
    this.train.dispose();
    this.optimizer.dispose();
  }
}
