/* Renfort pages: live refresh over Server-Sent Events, offer countdowns, small form helpers.
 * No inline script anywhere (the Content-Security-Policy forbids it): pages declare what
 * they need with data-* attributes and this file wires it up. */
(function () {
  "use strict";

  var EVENT_TYPES = [
    "contact.received", "contact.queued", "contact.offered", "contact.accepted",
    "contact.wrap_up", "contact.closed", "contact.abandoned", "contact.redirected",
    "contact.transferred", "contact.callback_requested", "contact.safety_alert",
    "message.posted", "agent.status_changed", "site.occupancy_changed",
    "safety.flagged", "safety.acknowledged", "update"
  ];

  function matches(pattern, type) {
    if (pattern === "*") { return true; }
    if (pattern.slice(-2) === ".*") { return type.indexOf(pattern.slice(0, -1)) === 0; }
    return pattern === type;
  }

  /* Not bubbling: a live fragment inside another must not reload its parent too. */
  function fire(el, type) {
    el.dispatchEvent(new CustomEvent("renfort:live", {bubbles: false, detail: {type: type}}));
  }

  /* Fire "renfort:live" on every element listening for this event. */
  function dispatch(type, data, attempt) {
    var nodes = document.querySelectorAll("[data-live-on]");
    var retry = false;
    nodes.forEach(function (el) {
      var wanted = el.getAttribute("data-live-on").split(/\s+/);
      if (!wanted.some(function (p) { return matches(p, type); })) { return; }
      var contact = el.getAttribute("data-live-contact");
      if (contact && data && data.contact !== contact) { return; }
      /* A fragment being swapped in is not listening yet: try again once it has settled. */
      if (el.classList.contains("htmx-added") || el.classList.contains("htmx-settling")) {
        retry = true;
        return;
      }
      fire(el, type);
    });
    if (retry && (attempt || 0) < 10) {
      setTimeout(function () { dispatch(type, data, (attempt || 0) + 1); }, 100);
    }
  }

  function resyncAll() {
    document.querySelectorAll("[data-live-on]").forEach(function (el) {
      fire(el, "resync");
    });
  }

  /* ---- Connection: one place knows whether the server answers. The event stream, or any
   * request of the page, failing marks the page "lost": a banner (role=alert) says so, the
   * "live" indicators turn stale, and /readyz is probed with a growing delay (1 s, 2 s, 4 s…
   * 30 s at most). When it answers again, actions refused for want of a server are sent
   * again (once), the stream reopens from the last event seen (Last-Event-ID) and every
   * live fragment reloads. */
  var conn = {lost: false, since: null, delay: 0, timer: null, tick: null, nextAt: 0,
              pending: [], lastEventId: null};

  function text(key) {
    var banner = document.getElementById("live-status");
    return (banner && banner.getAttribute("data-" + key)) || "";
  }

  function clock(date) {
    return date.toLocaleTimeString("fr-FR", {hour: "2-digit", minute: "2-digit", second: "2-digit"});
  }

  function renderBanner() {
    var banner = document.getElementById("live-status");
    if (!banner) { return; }
    banner.hidden = !conn.lost && conn.pending.length === 0;
    var lostText = banner.querySelector(".live-lost-text");
    if (lostText) { lostText.hidden = !conn.lost; }
    var retry = banner.querySelector(".live-retry-in");
    if (retry) {
      var left = Math.max(0, Math.ceil((conn.nextAt - Date.now()) / 1000));
      retry.textContent = conn.lost ? text("retry").replace("{n}", left) : "";
    }
    var settled = conn.pending.some(function (i) { return i.state === "failed"; });
    var dismiss = banner.querySelector(".live-dismiss");
    if (dismiss) { dismiss.hidden = conn.lost || !settled; }
    var list = banner.querySelector(".live-pending");
    if (list) {
      list.textContent = "";
      conn.pending.forEach(function (item) {
        var li = document.createElement("li");
        li.className = "pending-" + item.state;
        li.setAttribute("data-state", item.state);
        li.textContent = text(item.state).replace("{what}", item.label);
        list.appendChild(li);
      });
    }
    document.querySelectorAll("[data-live-since]").forEach(function (el) {
      el.textContent = conn.since ? clock(conn.since) : "";
    });
  }

  function markLost() {
    document.body.classList.add("live-lost");
    document.body.removeAttribute("data-live-ready");
    if (!conn.lost) {
      conn.lost = true;
      conn.since = new Date();
      conn.delay = 0;
      scheduleProbe();
    }
    if (!conn.tick) { conn.tick = setInterval(renderBanner, 1000); }
    renderBanner();
  }

  function markFound() {
    var was = conn.lost;
    conn.lost = false;
    conn.since = null;
    document.body.classList.remove("live-lost");
    if (conn.timer) { clearTimeout(conn.timer); conn.timer = null; }
    if (conn.tick) { clearInterval(conn.tick); conn.tick = null; }
    renderBanner();
    return was;
  }

  function scheduleProbe() {
    if (conn.timer) { clearTimeout(conn.timer); }
    conn.delay = conn.delay ? Math.min(conn.delay * 2, 30000) : 1000;
    conn.nextAt = Date.now() + conn.delay;
    conn.timer = setTimeout(probe, conn.delay);
  }

  function probe() {
    conn.timer = null;
    fetch("/readyz", {cache: "no-store", credentials: "same-origin"}).then(function (reply) {
      if (!reply.ok) { throw new Error("not ready"); }
      recovered();
    }).catch(function () { scheduleProbe(); renderBanner(); });
  }

  /* "J'ai compris": the failed actions were seen; they leave the banner. */
  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest("[data-live-dismiss]")) { return; }
    conn.pending = conn.pending.filter(function (i) {
      return i.state === "waiting" || i.state === "sending";
    });
    renderBanner();
  });

  /* "Réessayer maintenant" in the banner: probe at once, and start the delays again. */
  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest("[data-live-retry]")) { return; }
    conn.delay = 0;
    if (conn.timer) { clearTimeout(conn.timer); conn.timer = null; }
    probe();
  });

  function recovered() {
    markFound();
    /* The resent actions first: a fragment reloaded meanwhile would lose their answer. */
    resendPending().then(catchUp, catchUp);
  }

  function catchUp() {
    if (conn.lost) { return; }
    if (live.url) {
      var url = live.url;
      if (live.source) { live.source.close(); }
      live.source = null;
      live.url = null;
      connect(url, document.body.getAttribute("data-live-auth") !== "0", true);
    } else {
      resyncAll();
    }
  }

  /* ---- Actions that did not reach the server: kept, shown, and sent again once. */
  function describe(elt) {
    var form = elt.closest ? elt.closest("form") : null;
    var button = elt.tagName === "BUTTON" ? elt :
      (form && form.querySelector("button[type=submit], button:not([type])"));
    var label = (elt.getAttribute && elt.getAttribute("data-action-label")) ||
      (form && form.getAttribute("data-action-label")) ||
      (button && button.textContent.trim()) || "";
    var box = form && form.querySelector("textarea");
    if (box && box.value.trim()) {
      var said = box.value.trim();
      label += " « " + (said.length > 60 ? said.slice(0, 57) + "…" : said) + " »";
    }
    return label;
  }

  function keep(detail) {
    var config = detail.requestConfig || {};
    var elt = detail.elt;
    var values = {};
    if (config.formData && config.formData.forEach) {
      config.formData.forEach(function (value, key) { values[key] = value; });
    }
    var holder = elt.closest ? elt.closest("[hx-target]") : null;
    conn.pending.push({verb: config.verb, path: config.path, values: values,
                       target: holder ? holder.getAttribute("hx-target") : null,
                       swap: (elt.closest && elt.closest("[hx-swap]") &&
                              elt.closest("[hx-swap]").getAttribute("hx-swap")) || "innerHTML",
                       form: elt.closest ? elt.closest("form") : null,
                       label: describe(elt), state: "waiting"});
    markLost();
  }

  function sending(path) {
    for (var i = 0; i < conn.pending.length; i++) {
      if (conn.pending[i].state === "sending" && conn.pending[i].path === path) {
        return conn.pending[i];
      }
    }
    return null;
  }

  function settle(item, ok) {
    item.state = ok ? "resent" : "failed";
    if (ok && item.form && item.form.isConnected &&
        item.form.hasAttribute("data-reset-on-success")) { item.form.reset(); }
    renderBanner();
    if (ok) {
      setTimeout(function () {
        conn.pending.splice(conn.pending.indexOf(item), 1);
        renderBanner();
      }, 8000);
    }
  }

  function resendPending() {
    var sent = [];
    conn.pending.forEach(function (item) {
      if (item.state !== "waiting") { return; }
      item.state = "sending";
      var context = {values: item.values, swap: item.swap, source: document.body,
                     headers: {"X-Renfort-Resent": "1"}};
      if (item.target && document.querySelector(item.target)) { context.target = item.target; }
      sent.push(htmx.ajax(item.verb.toUpperCase(), item.path, context).then(function () {
        if (item.state === "sending") { settle(item, true); }
      }));
    });
    renderBanner();
    return Promise.all(sent);
  }

  function isGet(detail) {
    var verb = detail.requestConfig && detail.requestConfig.verb;
    return !verb || verb === "get";
  }

  document.addEventListener("htmx:sendError", function (event) {
    var detail = event.detail;
    var again = detail.requestConfig && sending(detail.requestConfig.path);
    if (again) { settle(again, false); markLost(); return; }
    if (isGet(detail)) { markLost(); } else { keep(detail); }
  });

  /* A request answered while the page thinks it is cut off (the wall's own tick): do not
   * wait for the next probe, which may be 30 s away. */
  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail.xhr;
    if (conn.lost && !conn.timerNow && xhr && xhr.status > 0 && xhr.status < 500) {
      conn.timerNow = true;
      if (conn.timer) { clearTimeout(conn.timer); conn.timer = null; }
      setTimeout(function () { conn.timerNow = false; probe(); }, 0);
    }
  });

  /* 502–504: no server, or the desk degraded (store away, restarting): nothing was done. */
  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    var xhr = detail.xhr;
    var again = detail.requestConfig && sending(detail.requestConfig.path);
    if (again && !(xhr && xhr.status < 400)) { settle(again, false); }
    if (!xhr || [502, 503, 504].indexOf(xhr.status) < 0) { return; }
    detail.shouldSwap = false;
    detail.isError = false;
    if (!again && !isGet(detail)) { keep(detail); } else { markLost(); }
  });

  function checkSession() {
    return fetch("/api/v1/auth/me", {credentials: "same-origin"}).then(function (reply) {
      if (reply.status === 401) {
        var next = encodeURIComponent(window.location.pathname);
        window.location.assign("/login?expired=1&next=" + next);
        return false;
      }
      return true;
    }).catch(function () { return true; });
  }

  var live = {url: null, source: null};

  function connect(url, checkAuth, resync) {
    var full = url;
    if (conn.lastEventId) {
      full += (url.indexOf("?") < 0 ? "?" : "&") + "last_event_id=" +
        encodeURIComponent(conn.lastEventId);
    }
    var source = new EventSource(full, {withCredentials: true});
    var opened = false;
    live.url = url;
    live.source = source;
    source.addEventListener("open", function () {
      opened = true;
      markFound();
      if (resync) { resyncAll(); resync = false; }
      document.body.setAttribute("data-live-ready", "1");
    });
    /* The server no longer has what we missed (restart, or away too long): refetch all. */
    source.addEventListener("reset", function (event) {
      if (event.lastEventId) { conn.lastEventId = event.lastEventId; }
      resyncAll();
    });
    EVENT_TYPES.forEach(function (type) {
      source.addEventListener(type, function (event) {
        if (event.lastEventId) { conn.lastEventId = event.lastEventId; }
        var data = null;
        try { data = event.data ? JSON.parse(event.data) : null; } catch (e) { data = null; }
        dispatch(type, data);
      });
    });
    source.addEventListener("error", function () {
      if (live.source !== source) { return; }
      /* Closed here and reopened by us: at once when the server still answers (it ended the
       * stream), after a growing delay when it refused it (no conversation yet), and by
       * the probe when it is gone (the banner then shows). An ended session goes to login. */
      source.close();
      fetch("/readyz", {cache: "no-store", credentials: "same-origin"}).then(function (reply) {
        if (!reply.ok) { throw new Error("not ready"); }
        if (live.source !== source) { return; }
        return (checkAuth ? checkSession() : Promise.resolve(true)).then(function (ok) {
          if (!ok || live.source !== source) { return; }
          live.refusals = opened ? 0 : (live.refusals || 0) + 1;
          var wait = opened ? 0 : Math.min(3000 * Math.pow(2, live.refusals - 1), 30000);
          setTimeout(function () {
            if (live.source === source) { connect(url, checkAuth, opened); }
          }, wait);
        });
      }).catch(function () { if (live.source === source) { markLost(); } });
    });
  }

  /* One stream per page: the body's data-live, or a fragment's data-live-url. */
  function ensureLive() {
    if (!window.EventSource) { return; }
    var body = document.body;
    var holder = document.querySelector("[data-live-url]");
    var url = body.getAttribute("data-live") || (holder && holder.getAttribute("data-live-url"));
    if (url === live.url) { return; }
    if (live.source) { live.source.close(); }
    live.source = null;
    live.url = null;
    if (url) { connect(url, body.getAttribute("data-live-auth") !== "0", false); }
  }
  window.addEventListener("pagehide", function () { if (live.source) { live.source.close(); } });

  /* Whole seconds as the pages' duration filter writes them: "45 s", "8 min 40 s",
   * "2 h 10 min". */
  function durationText(seconds) {
    var total = Math.max(0, Math.round(seconds));
    if (total < 60) { return total + " s"; }
    var minutes = Math.floor(total / 60);
    if (minutes < 60) { return minutes + " min " + ("0" + (total % 60)).slice(-2) + " s"; }
    return Math.floor(minutes / 60) + " h " + ("0" + (minutes % 60)).slice(-2) + " min";
  }

  /* Offer countdowns: data-deadline is POSIX seconds on the server's clock. */
  var skew = 0;
  function tickCountdowns() {
    var now = Date.now() / 1000 + skew;
    document.querySelectorAll("[data-deadline]").forEach(function (el) {
      var left = Math.max(0, Math.round(parseFloat(el.getAttribute("data-deadline")) - now));
      var label = left > 0 ? durationText(left) : el.getAttribute("data-expired-text") || "0 s";
      if (el.textContent !== label) { el.textContent = label; }
      el.classList.toggle("urgent", left <= 5);
    });
    /* How long someone has waited: data-since is POSIX seconds on the server's clock. */
    document.querySelectorAll("[data-since]").forEach(function (el) {
      var label = durationText(now - parseFloat(el.getAttribute("data-since")));
      if (el.textContent !== label) { el.textContent = label; }
    });
  }

  function autoscroll(root) {
    (root || document).querySelectorAll("[data-autoscroll]").forEach(function (el) {
      el.scrollTop = el.scrollHeight;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var body = document.body;
    var serverNow = parseFloat(body.getAttribute("data-server-now") || "");
    if (!isNaN(serverNow)) { skew = serverNow - Date.now() / 1000; }
    ensureLive();
    tickCountdowns();
    setInterval(tickCountdowns, 1000);
    autoscroll(document);
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    autoscroll(event.target.parentNode || document);
    tickCountdowns();
    ensureLive();
  });

  /* A box that scrolls (a wide table on a phone) must be reachable from the keyboard. */
  function focusScrollers() {
    document.querySelectorAll("table, .table-scroll, .chart-scroll, .messages, .kb-results, .tabs")
      .forEach(function (el) {
        var scrolls = el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
        if (scrolls && !el.hasAttribute("tabindex")) {
          el.setAttribute("tabindex", "0");
          el.setAttribute("data-scroll-focus", "");
        } else if (!scrolls && el.hasAttribute("data-scroll-focus")) {
          el.removeAttribute("tabindex");
          el.removeAttribute("data-scroll-focus");
        }
      });
  }
  document.addEventListener("DOMContentLoaded", focusScrollers);
  document.addEventListener("htmx:afterSettle", focusScrollers);
  window.addEventListener("resize", focusScrollers);

  /* A live fragment marked data-keep-focus is not reloaded under a control being used
   * (the wall's "move to a queue" list would close in the supervisor's hand); the next
   * event or tick reloads it. */
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    var verb = event.detail.requestConfig && event.detail.requestConfig.verb;
    var active = document.activeElement;
    if (verb === "get" && elt && elt.hasAttribute && elt.hasAttribute("data-keep-focus") &&
        active && active !== document.body && elt.contains(active) &&
        /^(SELECT|INPUT|TEXTAREA)$/.test(active.tagName)) {
      event.preventDefault();
    }
  });

  /* A new action clears the last refusal shown. */
  document.addEventListener("htmx:beforeRequest", function (event) {
    var verb = event.detail.requestConfig && event.detail.requestConfig.verb;
    var flash = document.getElementById("flash");
    if (flash && verb && verb !== "get") { flash.textContent = ""; }
  });

  /* An answer sent elsewhere (HX-Retarget: a refusal shown in the flash area) is not an
   * acceptance: what the form holds stays. */
  function accepted(detail) {
    var xhr = detail.xhr;
    return detail.successful && !(xhr && xhr.getResponseHeader &&
                                  xhr.getResponseHeader("HX-Retarget"));
  }

  /* Forms marked data-reset-on-success are emptied once the server accepted them. */
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!form || !form.matches || !form.matches("form[data-reset-on-success]")) { return; }
    if (accepted(event.detail)) {
      form.reset();
      var first = form.querySelector("textarea, input[type=text], input[type=search]");
      if (first) { first.focus(); }
    }
  });

  /* A refusal in the page's words: the French "text" the server adds to a problem when asked
   * in French, else the French title of the answer's status kept on the flash area
   * (data-error-409…, data-error-default). Never the problem's English detail. */
  function refusalText(status, body) {
    var flash = document.getElementById("flash");
    try {
      var problem = JSON.parse(body);
      if (problem && typeof problem.text === "string" && problem.text) { return problem.text; }
    } catch (e) { /* not JSON */ }
    if (!flash) { return ""; }
    return flash.getAttribute("data-error-" + status) ||
      flash.getAttribute("data-error-default") || "";
  }

  /* The pages speak French: so do the refusals of the API calls they make. */
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["Accept-Language"] = "fr";
  });

  /* htmx keeps 4xx/5xx answers out of the page by default: show them in the flash area. */
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var flash = document.getElementById("flash");
    if (!flash || !xhr) { return; }
    flash.textContent = (flash.getAttribute("data-error-prefix") || "") +
      refusalText(xhr.status, xhr.responseText);
    flash.hidden = false;
  });

  /* Long computations (the planner's steps): a form marked data-busy shows that it is
   * working and cannot be sent twice; coming back to the page (history) re-arms it. */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-busy]")) { return; }
    if (form.getAttribute("aria-busy") === "true") { event.preventDefault(); return; }
    form.setAttribute("aria-busy", "true");
    form.querySelectorAll(".busy-note").forEach(function (el) { el.hidden = false; });
    setTimeout(function () {
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
    }, 0);
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-busy][aria-busy]").forEach(function (form) {
      form.removeAttribute("aria-busy");
      form.querySelectorAll(".busy-note").forEach(function (el) { el.hidden = true; });
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
    });
  });

  /* ---- Drafts: a reply being typed survives every reload of the workspace (a live event,
   * the resync after a lost connection, another held contact opened and this one again, a
   * reload of the page). A box marked data-draft="<contact>:<what>" (the reply, what the
   * agent hears, the wrap-up note) is kept in the tab's sessionStorage as it is typed and
   * put back in the same box after each swap (with the caret where it was). A form marked
   * data-draft-clears="<contact>:<what>" forgets that draft once the server accepted it
   * (a reply sent, a conversation ended), one marked data-draft-clears="<contact>" every
   * draft of the contact (wrapped up, transferred, redirected); and so does a workspace
   * marked data-draft-done="<contact>" (the contact is no longer the agent's), and logout. */
  var DRAFT = "renfort.draft.";
  var memoryDrafts = {};

  function drafts() {
    try { return window.sessionStorage; } catch (e) { return null; }
  }

  function draftGet(id) {
    var store = drafts();
    try { return store ? store.getItem(DRAFT + id) : memoryDrafts[id] || null; }
    catch (e) { return memoryDrafts[id] || null; }
  }

  function draftSet(id, value) {
    var store = drafts();
    if (!value) { draftDrop(id); return; }
    memoryDrafts[id] = value;
    try { if (store) { store.setItem(DRAFT + id, value); } } catch (e) { /* full: memory */ }
  }

  function draftDrop(id) {
    var store = drafts();
    delete memoryDrafts[id];
    try { if (store) { store.removeItem(DRAFT + id); } } catch (e) { /* nothing kept */ }
  }

  /* Every draft of a contact ("<contact>:…"), or every draft at all. */
  function draftDropAll(contact) {
    var store = drafts();
    var mine = function (key) {
      return contact === undefined || key.indexOf(contact + ":") === 0;
    };
    Object.keys(memoryDrafts).forEach(function (key) {
      if (mine(key)) { delete memoryDrafts[key]; }
    });
    try {
      if (!store) { return; }
      for (var i = store.length - 1; i >= 0; i--) {
        var key = store.key(i);
        if (key && key.indexOf(DRAFT) === 0 && mine(key.slice(DRAFT.length))) {
          store.removeItem(key);
        }
      }
    } catch (e) { /* nothing kept */ }
  }

  /* "<contact>:<what>": that draft; "<contact>": all the contact's. */
  function forget(what) {
    if (what.indexOf(":") >= 0) { draftDrop(what); } else { draftDropAll(what); }
  }

  function keepDraft(box) {
    if (box && box.matches && box.matches("textarea[data-draft], input[data-draft]")) {
      draftSet(box.getAttribute("data-draft"), box.value);
    }
  }

  document.addEventListener("input", function (event) { keepDraft(event.target); });

  /* Where the caret was, when the box being typed in is about to be replaced. */
  var caret = null;
  document.addEventListener("htmx:beforeSwap", function () {
    var active = document.activeElement;
    caret = active && active.matches &&
      active.matches("textarea[data-draft], input[data-draft]") ?
      {id: active.getAttribute("data-draft"), start: active.selectionStart,
       end: active.selectionEnd} : null;
  });

  function restoreDrafts() {
    document.querySelectorAll("[data-draft-done]").forEach(function (el) {
      draftDropAll(el.getAttribute("data-draft-done"));
    });
    document.querySelectorAll("textarea[data-draft], input[data-draft]").forEach(function (box) {
      var id = box.getAttribute("data-draft");
      var kept = draftGet(id);
      if (!kept || box.value) { return; }
      box.value = kept;
      if (caret && caret.id === id) {
        box.focus();
        box.setSelectionRange(caret.start, caret.end);
      }
    });
    caret = null;
  }
  document.addEventListener("DOMContentLoaded", restoreDrafts);
  document.addEventListener("htmx:afterSwap", restoreDrafts);

  /* Sent, closed, handed on: the contact's drafts have served. Noted when the request
   * leaves, as the form that sent it is often gone (swapped) when the answer is in. */
  var clearing = window.WeakMap ? new WeakMap() : null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    var holder = elt && elt.closest ? elt.closest("[data-draft-clears]") : null;
    if (!holder || !clearing || !event.detail.xhr) { return; }
    clearing.set(event.detail.xhr, holder.getAttribute("data-draft-clears"));
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail.xhr;
    var what = xhr && clearing && clearing.get(xhr);
    if (!what || !accepted(event.detail)) { return; }
    clearing.delete(xhr);
    forget(what);
  });
  /* A reply resent after a lost connection empties its form: the draft goes with it. */
  document.addEventListener("reset", function (event) {
    var form = event.target;
    if (form && form.matches && form.matches("form[data-draft-clears]")) {
      forget(form.getAttribute("data-draft-clears"));
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form && form.getAttribute && form.getAttribute("action") === "/logout") {
      draftDropAll();
    }
  });

  /* Buttons that put a knowledge answer (with its source) into the reply box. */
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-insert-text]") : null;
    if (!button) { return; }
    var target = document.getElementById(button.getAttribute("data-insert-target"));
    if (!target) { return; }
    var text = button.getAttribute("data-insert-text");
    target.value = target.value ? target.value.replace(/\s+$/, "") + "\n\n" + text : text;
    target.focus();
    keepDraft(target);
  });

  /* Plain (non-htmx) forms that ask before doing something irreversible. */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });

  /* "Tout cocher": ticks every box of its form named by data-check-all (the rows the
   * search left), or unticks them all when they already are. */
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-check-all]");
    if (!button || !button.form) { return; }
    var boxes = button.form.querySelectorAll(
      'input[type=checkbox][name="' + button.getAttribute("data-check-all") + '"]');
    var all = Array.prototype.every.call(boxes, function (box) { return box.checked; });
    Array.prototype.forEach.call(boxes, function (box) { box.checked = !all; });
  });

  /* Ctrl+Enter (or Cmd+Enter) sends a message box. */
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) { return; }
    var box = event.target;
    if (box.tagName === "TEXTAREA" && box.form && box.hasAttribute("data-send-on-ctrl-enter")) {
      event.preventDefault();
      box.form.requestSubmit();
    }
  });
  /* Enter in a picker's search field (it narrows a select of the same form) narrows the
   * choices at once; it does not send the form with whatever the select held then. */
  document.addEventListener("keydown", function (event) {
    var box = event.target;
    if (event.key !== "Enter" || !box.matches || !box.form ||
        !box.matches("input[type=search][aria-controls][hx-get]")) { return; }
    event.preventDefault();
    if (window.htmx) { window.htmx.trigger(box, "search"); }
  });

  /* ---- Offers announce themselves: a short beep (WebAudio, no file), the tab's title, and
   * a desktop notification when the agent allowed them. Each offer once. */
  var announced = {};
  var baseTitle = null;
  var audio = null;

  function unlockAudio() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) { return; }
    if (!audio) { audio = new Context(); }
    if (audio.state === "suspended") { audio.resume(); }
  }
  /* Browsers start sound only after a gesture: the agent's first click or key does it. */
  document.addEventListener("click", unlockAudio, true);
  document.addEventListener("keydown", unlockAudio, true);

  function beep() {
    if (!audio || audio.state !== "running") { return false; }
    [0, 0.25].forEach(function (at) {
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, audio.currentTime + at);
      gain.gain.exponentialRampToValueAtTime(0.3, audio.currentTime + at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + at + 0.18);
      osc.connect(gain).connect(audio.destination);
      osc.start(audio.currentTime + at);
      osc.stop(audio.currentTime + at + 0.2);
    });
    return true;
  }

  function announceOffers() {
    var offers = document.querySelectorAll(".offer[data-offer]");
    if (baseTitle === null) { baseTitle = document.title; }
    document.title = offers.length ? "(" + offers.length + ") " +
      offers[0].getAttribute("data-offer-title") + " · " + baseTitle : baseTitle;
    offers.forEach(function (offer) {
      var id = offer.getAttribute("data-offer");
      if (announced[id]) { return; }
      announced[id] = true;
      var how = ["title"];
      if (beep()) { how.push("sound"); }
      if (window.Notification && Notification.permission === "granted") {
        try {
          new Notification(offer.getAttribute("data-offer-title"),
                           {body: offer.getAttribute("data-offer-body") || "", tag: id});
          how.push("notification");
        } catch (e) { /* some browsers only notify from a service worker */ }
      }
      document.body.setAttribute("data-announced", id);
      document.body.setAttribute("data-announced-by", how.join(" "));
    });
    /* Offer the notifications where the browser can show them and nobody decided yet. */
    document.querySelectorAll("[data-alerts-setup]").forEach(function (el) {
      el.hidden = !(window.Notification && Notification.permission === "default");
    });
  }

  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest("[data-enable-notifications]")) { return; }
    if (window.Notification) {
      Notification.requestPermission().then(announceOffers);
    }
  });
  document.addEventListener("DOMContentLoaded", announceOffers);
  document.addEventListener("htmx:afterSettle", announceOffers);
  /* ---- Actions on the supervisor wall call the JSON API with the session cookie (the
   * same-origin check is the CSRF guard). The answer goes to the flash area, then the wall
   * reloads; a request that cannot reach the server is said to have failed. */
  function flashText(message, error) {
    var flash = document.getElementById("flash");
    if (!flash) { return; }
    flash.textContent = message;
    flash.className = "flash notice " + (error ? "error" : "ok");
    flash.hidden = false;
  }

  function problemText(reply) {
    return reply.text().then(function (body) { return refusalText(reply.status, body); },
                             function () { return refusalText(reply.status, ""); });
  }

  function callApi(method, url, body, label) {
    var init = {method: method, credentials: "same-origin",
                headers: {"Accept": "application/json", "Accept-Language": "fr"}};
    if (body !== null && body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = typeof body === "string" ? body : JSON.stringify(body);
    }
    return fetch(url, init).then(function (reply) {
      if (reply.ok) {
        var flash = document.getElementById("flash");
        flashText(((flash && flash.getAttribute("data-done-prefix")) || "") + label, false);
        resyncAll();
        return reply;
      }
      return problemText(reply).then(function (why) {
        var flash = document.getElementById("flash");
        flashText(((flash && flash.getAttribute("data-error-prefix")) || "") + why, true);
        if ([502, 503, 504].indexOf(reply.status) >= 0) { markLost(); }
        return null;
      });
    }, function () {
      var flash = document.getElementById("flash");
      flashText(((flash && flash.getAttribute("data-error-prefix")) || "") + label + " — " +
                text("failed").replace("{what}", "").replace(/^[^:]*:\s*/, ""), true);
      markLost();
      return null;
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-api]") : null;
    if (!button) { return; }
    var question = button.getAttribute("data-api-confirm");
    if (question && !window.confirm(question)) { return; }
    var parts = button.getAttribute("data-api").split(" ");
    button.disabled = true;
    callApi(parts[0], parts[1], button.getAttribute("data-api-body"),
            button.getAttribute("data-action-label")).then(function () { button.disabled = false; });
  });

  /* "Affecter": the agent now serves the chosen queue's skill only (proficiency kept when
   * they had it), through the agents API that managers use. */
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-move-agent]") : null;
    if (!button) { return; }
    var id = button.getAttribute("data-move-agent");
    var select = document.getElementById(button.getAttribute("data-move-select"));
    if (!select) { return; }
    var skill = select.value;
    var url = "/api/v1/agents/" + encodeURIComponent(id);
    button.disabled = true;
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (reply) {
        if (!reply.ok) { throw reply; }
        return reply.json();
      }).then(function (agent) {
        var skills = {};
        skills[skill] = (agent.skills && agent.skills[skill]) || 3;
        return callApi("PUT", url, {
          name: agent.name, outsourcer: agent.outsourcer_id, skills: skills,
          languages: agent.languages, works_from: agent.works_from,
          site: agent.site_id, capacity: agent.capacity
        }, button.getAttribute("data-action-label"));
      }).catch(function () {
        flashText(button.getAttribute("data-action-label") + " — " + text("failed")
                  .replace("{what}", "").replace(/^[^:]*:\s*/, ""), true);
      }).then(function () { button.disabled = false; });
  });
})();
