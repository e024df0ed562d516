/* pact24 web pages: keep the countdown current between board refreshes.
 * The server renders the countdown as text ("closes in 5 h 12 min"); this only ticks it.
 * It reads the deadline and the server's time from data attributes, so a wrong clock on
 * this computer does not change what it shows. Nothing depends on it: without JavaScript
 * the page still says how long is left as of its loading. */
(function () {
  "use strict";
  var seen = new WeakMap();

  function duration(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    var d = s >= 2 * 86400 ? Math.floor(s / 86400) : 0;
    var h = Math.floor((s - d * 86400) / 3600);
    var m = Math.floor((s % 3600) / 60), sec = s % 60;
    if (d) return d + " d " + h + " h";
    if (h) return h + " h " + m + " min";
    if (m) return m + " min " + (sec < 10 ? "0" : "") + sec + " s";
    return sec + " s";
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll(".countdown[data-deadline-ms]").forEach(function (el) {
      var first = seen.get(el);
      if (first === undefined) { first = now; seen.set(el, first); }
      // An exercise's clock runs data-speed times faster (0 while paused).
      var speed = Number(el.getAttribute("data-speed") || "1");
      var serverNow = Number(el.getAttribute("data-now-ms")) + (now - first) * speed;
      var left = Number(el.getAttribute("data-deadline-ms")) - serverNow;
      var text = left > 0 ? "closes in " + duration(left) : "deadline reached: closing";
      if (el.textContent !== text) el.textContent = text;
      el.classList.toggle("urgent", left > 0 && left < 3600 * 1000);
    });
  }

  function start() {
    var err = document.getElementById("form-error");
    if (err) err.focus();
    tick();
    window.setInterval(tick, 1000);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
