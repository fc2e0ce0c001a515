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

  function showLost(lost) {
    var banner = document.getElementById("live-status");
    if (banner) { banner.hidden = !lost; }
    document.body.classList.toggle("live-lost", lost);
  }

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

  function connect(url, checkAuth) {
    var source = new EventSource(url, {withCredentials: true});
    var hadError = false;
    var lostTimer = null;
    live.url = url;
    live.source = source;
    source.addEventListener("open", function () {
      if (lostTimer) { clearTimeout(lostTimer); lostTimer = null; }
      showLost(false);
      if (hadError) { resyncAll(); }
      hadError = false;
      document.body.setAttribute("data-live-ready", "1");
    });
    /* The server no longer has what we missed (restart, or away too long): refetch all. */
    source.addEventListener("reset", function () { resyncAll(); });
    EVENT_TYPES.forEach(function (type) {
      source.addEventListener(type, function (event) {
        var data = null;
        try { data = event.data ? JSON.parse(event.data) : null; } catch (e) { data = null; }
        dispatch(type, data);
      });
    });
    source.addEventListener("error", function () {
      if (live.source !== source) { return; }
      hadError = true;
      if (!lostTimer) { lostTimer = setTimeout(function () { showLost(true); }, 3000); }
      if (source.readyState === EventSource.CLOSED) {
        /* The server refused the stream (session gone?) or the connection failed for good. */
        var again = function () {
          setTimeout(function () { if (live.source === source) { connect(url, checkAuth); } }, 3000);
        };
        if (checkAuth) {
          checkSession().then(function (ok) { if (ok) { again(); } });
        } else {
          again();
        }
      }
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
    showLost(false);
    if (url) { connect(url, body.getAttribute("data-live-auth") !== "0"); }
  }
  window.addEventListener("pagehide", function () { if (live.source) { live.source.close(); } });

  /* Offer countdowns: data-deadline is POSIX seconds on the server's clock. */
  var skew = 0;
  function tickCountdowns() {
    var now = Date.now() / 1000 + skew;
    document.querySelectorAll("[data-deadline]").forEach(function (el) {
      var left = Math.max(0, Math.round(parseFloat(el.getAttribute("data-deadline")) - now));
      var label = left > 0 ? left + " s" : el.getAttribute("data-expired-text") || "0 s";
      if (el.textContent !== label) { el.textContent = label; }
      el.classList.toggle("urgent", left <= 5);
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

  /* A new action clears the last refusal shown. */
  document.addEventListener("htmx:beforeRequest", function (event) {
    var verb = event.detail.requestConfig && event.detail.requestConfig.verb;
    var flash = document.getElementById("flash");
    if (flash && verb && verb !== "get") { flash.textContent = ""; }
  });

  /* Forms marked data-reset-on-success are emptied once the server accepted them. */
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!form || !form.matches || !form.matches("form[data-reset-on-success]")) { return; }
    if (event.detail.successful) {
      form.reset();
      var first = form.querySelector("textarea, input[type=text], input[type=search]");
      if (first) { first.focus(); }
    }
  });

  /* htmx keeps 4xx/5xx answers out of the page by default: show them in the flash area. */
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var flash = document.getElementById("flash");
    if (!flash || !xhr) { return; }
    var text = xhr.statusText || "";
    try {
      var problem = JSON.parse(xhr.responseText);
      text = problem.detail || problem.title || text;
    } catch (e) { /* not JSON */ }
    flash.textContent = (flash.getAttribute("data-error-prefix") || "") + text;
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

  /* Buttons that put a knowledge answer (with its source) into the reply box. */
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-insert-text]") : null;
    if (!button) { return; }
    var target = document.getElementById(button.getAttribute("data-insert-target"));
    if (!target) { return; }
    var text = button.getAttribute("data-insert-text");
    target.value = target.value ? target.value.replace(/\s+$/, "") + "\n\n" + text : text;
    target.focus();
  });

  /* Plain (non-htmx) forms that ask before doing something irreversible. */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
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
})();
