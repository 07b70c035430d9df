// A small W3C WebDriver client over Node's fetch, enough to drive the real app through
// WebKitWebDriver. Every request carries its own timeout: a wedged webview or driver otherwise
// hangs a call forever instead of failing the test.

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
const DEFAULT_TIMEOUT_MS = 20_000;

export class WebDriverError extends Error {
  constructor(message, { error = null, status = null } = {}) {
    super(message);
    this.name = "WebDriverError";
    this.error = error;
    this.status = status;
  }
}

/** One HTTP call to the driver; the W3C `value` on success, a WebDriverError otherwise. */
async function request(base, method, path, body, timeoutMs = DEFAULT_TIMEOUT_MS) {
  let res;
  try {
    res = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json; charset=utf-8" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const why = err?.name === "TimeoutError" ? `no answer in ${timeoutMs} ms` : String(err?.cause ?? err);
    throw new WebDriverError(`${method} ${path}: ${why}`);
  }
  const text = await res.text();
  let json = null;
  try {
    json = text === "" ? null : JSON.parse(text);
  } catch {
    throw new WebDriverError(`${method} ${path}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`, { status: res.status });
  }
  const value = json?.value ?? null;
  if (!res.ok || (value && typeof value === "object" && "error" in value && typeof value.error === "string")) {
    throw new WebDriverError(`${method} ${path}: ${value?.error ?? res.status}: ${value?.message ?? text.slice(0, 200)}`, {
      error: value?.error ?? null,
      status: res.status,
    });
  }
  return value;
}

export class Session {
  /** Starts a session; the app launches now, so this call gets a longer timeout than the rest. */
  static async start(base, capabilities, timeoutMs = 60_000) {
    const value = await request(base, "POST", "/session", { capabilities: { alwaysMatch: capabilities } }, timeoutMs);
    return new Session(base, value.sessionId);
  }

  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  cmd(method, path, body, timeoutMs) {
    return request(this.base, method, `/session/${this.id}${path}`, body, timeoutMs);
  }

  /** The first element matching `css`, or null: absence is an answer, not an error. */
  async find(css) {
    try {
      const value = await this.cmd("POST", "/element", { using: "css selector", value: css });
      return value[ELEMENT];
    } catch (err) {
      if (err instanceof WebDriverError && err.error === "no such element") return null;
      throw err;
    }
  }

  async findAll(css) {
    const value = await this.cmd("POST", "/elements", { using: "css selector", value: css });
    return value.map((v) => v[ELEMENT]);
  }

  click(el) {
    return this.cmd("POST", `/element/${el}/click`, {});
  }

  sendKeys(el, text) {
    return this.cmd("POST", `/element/${el}/value`, { text });
  }

  clear(el) {
    return this.cmd("POST", `/element/${el}/clear`, {});
  }

  text(el) {
    return this.cmd("GET", `/element/${el}/text`);
  }

  attribute(el, name) {
    return this.cmd("GET", `/element/${el}/attribute/${encodeURIComponent(name)}`);
  }

  property(el, name) {
    return this.cmd("GET", `/element/${el}/property/${encodeURIComponent(name)}`);
  }

  enabled(el) {
    return this.cmd("GET", `/element/${el}/enabled`);
  }

  execute(script, args = [], timeoutMs) {
    return this.cmd("POST", "/execute/sync", { script, args }, timeoutMs);
  }

  /** A script that calls `arguments[arguments.length - 1]` with its answer (for promises). */
  executeAsync(script, args = [], timeoutMs) {
    return this.cmd("POST", "/execute/async", { script, args }, timeoutMs);
  }

  /** Resizes the app's window (the webview follows). */
  setWindowSize(width, height) {
    return this.cmd("POST", "/window/rect", { width, height });
  }

  async screenshot() {
    return Buffer.from(await this.cmd("GET", "/screenshot", undefined, 30_000), "base64");
  }

  /** Ends the session, which closes the app; never throws, it runs in cleanup paths. */
  async delete(timeoutMs = 15_000) {
    try {
      await request(this.base, "DELETE", `/session/${this.id}`, undefined, timeoutMs);
      return true;
    } catch {
      return false;
    }
  }
}

/** Thrown inside a `waitFor` poll, ends the wait at once: the awaited thing can no longer happen. */
export class GiveUp extends Error {}

/**
 * Polls `fn` until it returns something truthy and returns that. Errors thrown by `fn` count as
 * "not yet" (elements go stale while React re-renders) and the last one is reported on timeout,
 * except a GiveUp, which is rethrown.
 */
export async function waitFor(fn, ms, what = "the condition", intervalMs = 100) {
  const deadline = Date.now() + ms;
  let last = null;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
      last = null;
    } catch (err) {
      if (err instanceof GiveUp) throw err;
      last = err;
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? ` (last error: ${last.message})` : ""}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
