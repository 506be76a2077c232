// Injected into the real explorer page before dist/webview.js (with the page's nonce), as the
// test harness injects its stub: `acquireVsCodeApi` stubbed, and `window.__probe`, which times
// what a user sees with performance.now() and MutationObservers inside the page. The bare
// baseline worker's source is substituted for the placeholder below by bench/browser/server.mjs.
(() => {
  const posted = [];
  window.__posted = posted;
  let saved = null;
  window.acquireVsCodeApi = () => ({ postMessage: (m) => posted.push(m), getState: () => saved, setState: (s) => (saved = s) });

  const rawFrame = window.requestAnimationFrame.bind(window);
  // Every frame callback of the page is timed, with the style and layout it causes read back at once.
  const frameWork = [];
  // Whether a frame callback of the page is running, its microtasks (mutation observers) included:
  // the flag is cleared by a microtask queued after the callback, so it runs after theirs.
  let isInFrame = false;
  window.requestAnimationFrame = (callback) =>
    rawFrame((time) => {
      const started = performance.now();
      isInFrame = true;
      callback(time);
      void document.body.offsetHeight;
      frameWork.push({ time, ms: performance.now() - started });
      queueMicrotask(() => (isInFrame = false));
    });

  /** Resolves once a task runs after the current frame's rendering; a task posted from a frame callback runs after its paint. */
  const afterThisFrame = () =>
    new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve(performance.now());
      channel.port2.postMessage(null);
    });

  /** Resolves after the next frame has been rendered. */
  const afterNextPaint = () => new Promise((resolve) => rawFrame(() => afterThisFrame().then(resolve)));

  // Whether the latest `when` saw its condition met inside a frame callback, so that frame paints it.
  let wasMetInFrame = false;

  /** Resolves after the frame that paints what the latest `when` saw: this frame when it was met in one, else the next. */
  const afterPaintOfChange = () => (wasMetInFrame ? afterThisFrame() : afterNextPaint());

  /** Resolves with performance.now() at the first DOM change after which `isDone()` holds. */
  const when = (isDone) =>
    new Promise((resolve) => {
      if (isDone()) {
        wasMetInFrame = isInFrame;
        return resolve(performance.now());
      }
      const observer = new MutationObserver(() => {
        if (!isDone()) return;
        const at = performance.now();
        wasMetInFrame = isInFrame;
        observer.disconnect();
        resolve(at);
      });
      observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    });

  // The click's own timestamp (when the input event was created) and when the page began to handle it.
  let clickAt;
  let clickHandledAt;
  document.addEventListener(
    "click",
    (event) => {
      const button = event.target instanceof Element ? event.target.closest("button") : null;
      if (button && button.textContent.trim() === "Call") {
        clickAt = event.timeStamp;
        clickHandledAt = performance.now();
      }
    },
    true,
  );

  const decode = (base64) => {
    const binary = atob(base64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  };

  const visibleFirstRowHasBytes = () => {
    const viewport = document.querySelector(".mv-viewport");
    const section = document.querySelector(".memory-section");
    if (!viewport || !section || section.hidden) return false;
    // Layout is read only once some cell shows a byte: reading it on every DOM change would force
    // layouts the page itself never does, and time the probe rather than the page.
    const anyByte = Array.from(document.querySelectorAll(".mv-row:not([hidden]) .mv-b"), (c) => c.textContent).some((t) =>
      /^[0-9a-f]{2}$/.test(t),
    );
    if (!anyByte) return false;
    const top = viewport.getBoundingClientRect().top;
    const row = Array.from(document.querySelectorAll(".mv-row")).find((r) => !r.hidden && r.getBoundingClientRect().bottom > top + 1);
    const cell = row && row.querySelector(".mv-b");
    return !!cell && /^[0-9a-f]{2}$/.test(cell.textContent);
  };

  // When the page posts each `call` request to its worker and when the answer arrives: the split of click-to-result.
  const rpcTimes = [];
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (message, transfer) {
    if (message && message.method === "call") {
      const entry = { id: message.id, postedAt: performance.now() };
      rpcTimes.push(entry);
    }
    return post.call(this, message, transfer);
  };
  // The page's own handler is wrapped, so the answer is timed before the page acts on it.
  const onmessage = Object.getOwnPropertyDescriptor(Worker.prototype, "onmessage");
  Object.defineProperty(Worker.prototype, "onmessage", {
    ...onmessage,
    set(handler) {
      onmessage.set.call(this, (event) => {
        const found = rpcTimes.find((e) => e.id === event.data?.id && e.answeredAt === undefined);
        if (found) found.answeredAt = performance.now();
        return handler.call(this, event);
      });
    },
  });

  /**
   * Posts `open` as VS Code delivers it: the webview's host frame passes the message's buffers in
   * the transfer list (workbench/contrib/webview/browser/pre/index.html), so the page owns them.
   */
  const postOpen = (fileName, bytes) =>
    window.postMessage({ type: "open", fileName, bytes, settings: { callTimeoutMs: 600000, maxFileBytes: 1 << 30 } }, "*", [bytes.buffer]);

  const staged = {};
  window.__probe = {
    frameWork,
    /** Keeps bytes in the page, decoded outside any measurement. */
    stage(key, base64) {
      staged[key] = decode(base64);
      return staged[key].length;
    },
    /** Posts `open` as the host does, and times it until `expectedExports` exports are listed. */
    async load(key, fileName, expectedExports) {
      const bytes = staged[key];
      delete staged[key];
      // Listed: the list holds every export (it draws only the rows in view) and shows the first.
      const listed = when(
        () => Number(document.querySelector('.export-list > li[aria-posinset="1"]')?.getAttribute("aria-setsize")) >= expectedExports,
      );
      // Ready: the instance runs, so the exports can be called.
      const ready = when(() => document.querySelector(".call-form button[type=submit]")?.disabled === false);
      const started = performance.now();
      postOpen(fileName, bytes);
      const at = await listed;
      const painted = await afterPaintOfChange();
      const readyAt = await ready;
      const report = posted.find((m) => m.type === "didLoad");
      return {
        listedMs: at - started,
        paintedMs: painted - started,
        readyMs: readyAt - started,
        exports: report ? report.exports.length : -1,
        error: report && report.error,
      };
    },
    /** The bare baseline: compile and instantiate the staged bytes in a fresh bare worker. */
    async baselineLoad(key) {
      const bytes = staged[key];
      delete staged[key];
      const worker = new Worker(URL.createObjectURL(new Blob([__BASELINE_WORKER__], { type: "text/javascript" })));
      // A first message, so the worker has started before the clock does (the product's worker starts with the page).
      await new Promise((resolve) => {
        worker.onmessage = resolve;
        worker.postMessage({ kind: "ping" });
      });
      const started = performance.now();
      const reply = await new Promise((resolve) => {
        worker.onmessage = (event) => resolve(event.data);
        worker.postMessage({ kind: "load", bytes }, [bytes.buffer]);
      });
      const ms = performance.now() - started;
      worker.terminate();
      return { ms, exports: reply.exports };
    },
    /** Opens staged bytes and resolves when the memory view first shows bytes. */
    async openForMemoryView(key, fileName) {
      const bytes = staged[key];
      delete staged[key];
      const shown = when(() => {
        const section = document.querySelector(".memory-section");
        return !!section && !section.hidden;
      });
      const filled = when(visibleFirstRowHasBytes);
      const started = performance.now();
      postOpen(fileName, bytes);
      const shownAt = await shown;
      const filledAt = await filled;
      const painted = await afterPaintOfChange();
      return { loadMs: shownAt - started, firstBytesMs: filledAt - shownAt, firstPaintMs: painted - shownAt };
    },
    /** Waits for the next call's outcome in role=status, and times it from the click on "Call". */
    armCall() {
      clickAt = undefined;
      const status = document.querySelector('[role="status"]');
      const done = when(() => clickAt !== undefined && status.childElementCount > 0 && !status.querySelector(".running"));
      const from = rpcTimes.length;
      this.pending = done.then(async (at) => ({
        domMs: at - clickAt,
        handlerToDomMs: at - clickHandledAt,
        handlerToPostMs: (rpcTimes[from]?.postedAt ?? NaN) - clickHandledAt,
        rpcMs: (rpcTimes[from]?.answeredAt ?? NaN) - (rpcTimes[from]?.postedAt ?? NaN),
        answerToDomMs: at - (rpcTimes[from]?.answeredAt ?? NaN),
        paintedMs: (await afterPaintOfChange()) - clickAt,
        text: status.textContent.slice(0, 120),
      }));
    },
    callOutcome() {
      return this.pending;
    },
    /** The interval between idle frames: the baseline "one animation frame". */
    async frameInterval(frames) {
      const times = [];
      await new Promise((resolve) => {
        const step = (time) => {
          times.push(time);
          if (times.length > frames) resolve();
          else rawFrame(step);
        };
        rawFrame(step);
      });
      return times.slice(1).map((t, i) => t - times[i]);
    },
    /** Wheels the memory view by `px` per frame for `frames` frames; returns the page's work per frame. */
    async scroll(frames, px) {
      const grid = document.querySelector(".mv-grid");
      frameWork.length = 0;
      const dispatchMs = new Map();
      const times = [];
      await new Promise((resolve) => {
        let n = 0;
        const step = (time) => {
          times.push(time);
          if (n++ >= frames) return resolve();
          const started = performance.now();
          grid.dispatchEvent(new WheelEvent("wheel", { deltaY: px, bubbles: true, cancelable: true }));
          dispatchMs.set(time, performance.now() - started);
          rawFrame(step);
        };
        rawFrame(step);
      });
      // Let the last reads arrive and paint.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const work = new Map(dispatchMs);
      for (const { time, ms } of frameWork) work.set(time, (work.get(time) ?? 0) + ms);
      return { workMs: [...work.values()], intervals: times.slice(1).map((t, i) => t - times[i]) };
    },
  };
})();
