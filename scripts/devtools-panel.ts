// The real Chrome DevTools Performance panel, driven headless: load a trace file the way
// "Load profile" does, read what the panel made of it (track groups, entries) and screenshot it.
//
// Headless Chromium will not navigate a tab to devtools://, but with --auto-open-devtools-for-tabs
// it opens the bundled DevTools frontend as a page target of its own. We attach to that target
// over CDP (through the browser-level session, with Target.sendMessageToTarget, since Playwright
// does not list DevTools pages) and call the frontend's own modules: ViewManager shows the
// Performance panel, TimelinePanel.loadFromURL loads the trace, the main flame chart answers
// which groups and entries it draws. These are DevTools internals, not a stable API; the test
// that uses this fails loudly if a Chromium update moves them.
import { createServer, type Server } from 'node:http';
import type { Browser, CDPSession } from 'playwright-core';
import { launchChromium } from './chromium.js';

export interface PanelGroup {
  name: string;
  /** 0 for a track group, 1 for a track inside it. */
  nesting: number;
  expanded: boolean;
  /** The entries drawn in this group's rows. */
  entries: PanelEntry[];
}

export interface PanelEntry {
  title: string;
  /** ms on the trace's clock. */
  start: number;
  duration: number;
}

export interface PanelView {
  groups: PanelGroup[];
  /** The visible time window, ms on the trace's clock. */
  window: [number, number];
}

interface CdpReply {
  result?: unknown;
  error?: { message: string };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Pause between two looks at a condition that is being waited for. */
const POLL_MS = 100;

/** Runs in the DevTools page: the Performance panel's main flame chart. */
const FLAME_CHART = `(await import('./panels/timeline/timeline.js')).TimelinePanel.TimelinePanel.instance().flameChart.getMainFlameChart()`;

/** Runs in the DevTools page: every group of the main flame chart with its entries. */
const READ_GROUPS = `(async () => {
  const m = ${FLAME_CHART};
  const data = m.timelineData();
  if (!data) return null;
  const groups = data.groups;
  const levelsOf = (i) => [groups[i].startLevel, i + 1 < groups.length ? groups[i + 1].startLevel : Infinity];
  const { TraceBounds } = await import('./services/trace_bounds/trace_bounds.js');
  const shown = TraceBounds.BoundsManager.instance().state()?.milli.timelineTraceWindow;
  return {
    window: shown ? [shown.min, shown.max] : [NaN, NaN],
    groups: groups.map((g, i) => {
      const [lo, hi] = levelsOf(i);
      const entries = [];
      data.entryLevels.forEach((level, e) => {
        if (level >= lo && level < hi) entries.push({ title: m.dataProvider.entryTitle(e) ?? '', start: data.entryStartTimes[e], duration: data.entryTotalTimes[e] });
      });
      return { name: g.name, nesting: g.style.nestingLevel ?? 0, expanded: Boolean(g.expanded), entries };
    }),
  };
})()`;

export class DevToolsPanel {
  private nextId = 1;
  private readonly waiting = new Map<number, (m: CdpReply) => void>();

  private constructor(
    private readonly browser: Browser,
    private readonly cdp: CDPSession,
    private readonly sessionId: string,
    private readonly server: Server,
    private readonly traceUrl: string,
    private trace: Buffer,
  ) {
    cdp.on('Target.receivedMessageFromTarget', (e) => {
      const m = JSON.parse(e.message) as CdpReply & { id?: number };
      const done = m.id === undefined ? undefined : this.waiting.get(m.id);
      if (done) {
        this.waiting.delete(m.id!);
        done(m);
      }
    });
  }

  /** Starts Chromium with DevTools open at `width`×`height` CSS pixels and the Performance panel showing. */
  static async open({ width = 1600, height = 900 } = {}): Promise<DevToolsPanel> {
    const browser = await launchChromium({ webgpu: false, devtools: true });
    try {
      await (await browser.newContext()).newPage();
      const cdp = await browser.newBrowserCDPSession();
      let targetId: string | undefined;
      for (let i = 0; i < 100 && !targetId; i++) {
        targetId = (await cdp.send('Target.getTargets')).targetInfos.find((t) => t.url.startsWith('devtools://'))?.targetId;
        if (!targetId) await sleep(POLL_MS);
      }
      if (!targetId) throw new Error('Chromium opened no DevTools page (--auto-open-devtools-for-tabs had no effect)');
      const { sessionId } = await cdp.send('Target.attachToTarget', { targetId, flatten: false });
      // The trace is served over http because loadFromURL fetches through the browser, like "Load profile" from a URL.
      let panel: DevToolsPanel | undefined;
      const server = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' }).end(panel?.trace);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      panel = new DevToolsPanel(browser, cdp, sessionId, server, `http://127.0.0.1:${port}/trace.json`, Buffer.alloc(0));
      await panel.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false });
      // Settings are registered once the frontend has started; the dock state is one of the last.
      await panel.waitFor(`(async () => {
        (await import('./core/common/common.js')).Settings.Settings.instance().moduleSetting('currentDockState');
        return true;
      })()`, 'the DevTools frontend to start');
      await panel.evaluate(`(async () => {
        const Common = await import('./core/common/common.js');
        const settings = Common.Settings.Settings.instance();
        // Undocked, DevTools takes the whole viewport instead of sharing it with the (empty) page.
        settings.moduleSetting('currentDockState').set('undocked');
        // The first trace a profile loads otherwise opens the flame chart's shortcut help over it.
        settings.createSetting('timeline.user-had-shortcuts-dialog-opened-once', false).set(true);
        const UI = await import('./ui/legacy/legacy.js');
        await UI.ViewManager.ViewManager.instance().showView('timeline');
      })()`);
      return panel;
    } catch (e) {
      await browser.close();
      throw e;
    }
  }

  /** Loads a Chrome trace (JSON bytes) as "Load profile" would and waits until the flame chart has it. */
  async load(trace: Buffer | string): Promise<PanelView> {
    this.trace = Buffer.from(trace);
    await this.evaluate(`(async () => (await import('./panels/timeline/timeline.js')).TimelinePanel.TimelinePanel.instance().loadFromURL(${JSON.stringify(this.traceUrl)}))()`);
    await this.waitFor(`(async () => (${FLAME_CHART}).timelineData()?.groups?.length > 0)()`, 'the Performance panel to show the trace', 60_000);
    await this.hideSidebar();
    return this.view();
  }

  /** What the main flame chart shows now. */
  async view(): Promise<PanelView> {
    const v = (await this.evaluate(READ_GROUPS)) as PanelView | null;
    if (!v) throw new Error('the Performance panel has no trace loaded');
    return v;
  }

  /** Expands the named top-level group and its tracks, collapses every other group, and waits until the chart shows that. */
  async focusGroup(name: string): Promise<void> {
    const mismatched = `(${FLAME_CHART}).timelineData().groups.flatMap((g, i, groups) => {
      let top = i;
      while (top > 0 && (groups[top].style.nestingLevel ?? 0) > 0) top--;
      return (groups[top].name === ${JSON.stringify(name)}) !== Boolean(g.expanded) ? [i] : [];
    })`;
    await this.evaluate(`(async () => {
      const m = ${FLAME_CHART};
      for (const i of await ${mismatched}) m.toggleGroupExpand(i);
    })()`);
    await this.waitFor(`(async () => (await ${mismatched}).length === 0)()`, `the flame chart to expand only the '${name}' group`, 5_000);
  }

  /** Shows [startMs, endMs] of the trace's clock (through the panel's bounds, which the overview and every chart follow). */
  async setWindow(startMs: number, endMs: number): Promise<void> {
    await this.evaluate(`(async () => {
      const { TraceBounds } = await import('./services/trace_bounds/trace_bounds.js');
      const min = ${startMs * 1000}, max = ${endMs * 1000};
      TraceBounds.BoundsManager.instance().setTimelineVisibleWindow({ min, max, range: max - min });
    })()`);
    // The charts take the new bounds on their next update.
    await this.waitFor(`(async () => Math.abs((${FLAME_CHART}).chartViewport.windowLeftTime() - ${startMs}) < 0.01)()`, 'the flame chart to move to the new window', 5_000);
  }

  /** Selects an entry (found by title and start) as a click would: the Summary tab shows its details. */
  async select(entry: PanelEntry): Promise<void> {
    const found = await this.evaluate(`(async () => {
      const panel = (await import('./panels/timeline/timeline.js')).TimelinePanel.TimelinePanel.instance();
      const m = panel.flameChart.getMainFlameChart();
      const d = m.timelineData();
      const i = d.entryStartTimes.findIndex((s, i) => Math.abs(s - ${entry.start}) < 1e-6 && m.dataProvider.entryTitle(i) === ${JSON.stringify(entry.title)});
      if (i >= 0) panel.select(m.dataProvider.createSelection(i));
      return i >= 0;
    })()`);
    if (!found) throw new Error(`the flame chart has no entry '${entry.title}' at ${entry.start} ms`);
  }

  /**
   * Waits until the text DevTools shows holds every one of `parts` and returns it. What an action
   * changes (the Summary tab after select(), say) is rendered asynchronously, so read it this way.
   */
  async waitForText(parts: readonly string[], timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = await this.text();
      const missing = parts.filter((p) => !text.includes(p));
      if (missing.length === 0) return text;
      if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for DevTools to show ${missing.map((p) => `'${p}'`).join(', ')}; it shows: ${text}`);
      await sleep(POLL_MS);
    }
  }

  /** All text DevTools shows now, shadow roots included (what a reader of the screenshot can read). */
  async text(): Promise<string> {
    return (await this.evaluate(`(() => {
      const parts = [];
      const walk = (root) => {
        for (const node of root.childNodes) {
          if (node.nodeType === Node.TEXT_NODE) parts.push(node.textContent);
          else if (node.nodeType === Node.ELEMENT_NODE && node.tagName !== 'STYLE' && node.tagName !== 'SCRIPT') { if (node.shadowRoot) walk(node.shadowRoot); walk(node); }
        }
      };
      walk(document.body);
      return parts.join(' ').replace(/\\s+/g, ' ');
    })()`)) as string;
  }

  async screenshot(): Promise<Buffer> {
    // The flame chart redraws on the next animation frame: let two pass so what was set is drawn.
    await this.waitFor(`new Promise((resolve) => {
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(true)));
      setTimeout(() => resolve(false), ${POLL_MS * 5});
    })`, 'DevTools to draw two animation frames', 10_000);
    const shot = (await this.send('Page.captureScreenshot', { format: 'png' })) as { data: string };
    return Buffer.from(shot.data, 'base64');
  }

  async close(): Promise<void> {
    this.server.close();
    await this.browser.close();
  }

  private async hideSidebar(): Promise<void> {
    await this.evaluate(`(() => {
      const walk = (root) => {
        for (const el of root.querySelectorAll('*')) {
          if (el.tagName === 'BUTTON' && el.getAttribute('aria-label') === 'Hide sidebar') return el.click();
          if (el.shadowRoot) walk(el.shadowRoot);
        }
      };
      walk(document);
    })()`);
  }

  private async waitFor(expression: string, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await this.evaluate(expression).catch(() => false)) return;
      await sleep(POLL_MS);
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
  }

  private async evaluate(expression: string): Promise<unknown> {
    const r = (await this.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true })) as {
      result: { value?: unknown };
      exceptionDetails?: { exception?: { description?: string }; text: string };
    };
    if (r.exceptionDetails) throw new Error(`in DevTools: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    return r.result.value;
  }

  private send(method: string, params: object = {}): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, (m) => (m.error ? reject(new Error(`${method}: ${m.error.message}`)) : resolve(m.result)));
      this.cdp.send('Target.sendMessageToTarget', { sessionId: this.sessionId, message: JSON.stringify({ id, method, params }) }).catch(reject);
    });
  }
}
