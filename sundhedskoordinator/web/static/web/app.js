// Start Det Fælles Designsystem's components once the page is parsed.
document.addEventListener("DOMContentLoaded", function () {
  if (window.DKFDS) {
    window.DKFDS.init();
  }
});

// The meeting-day clock on the agenda: the time, kept current without reloading the page.
document.addEventListener("DOMContentLoaded", function () {
  var clocks = document.querySelectorAll("time[data-clock]");
  if (!clocks.length) {
    return;
  }
  var tick = function () {
    var now = new Date();
    var text = now.toLocaleTimeString("da-DK", { hour: "2-digit", minute: "2-digit" });
    clocks.forEach(function (clock) {
      clock.textContent = text;
      clock.setAttribute("datetime", now.toISOString());
    });
  };
  tick();
  setInterval(tick, 15000);
});

// Minutes since the conversation ended, next to the advice form, kept current.
document.addEventListener("DOMContentLoaded", function () {
  var counters = document.querySelectorAll("[data-since]");
  if (!counters.length) {
    return;
  }
  var tick = function () {
    counters.forEach(function (counter) {
      var since = new Date(counter.getAttribute("data-since"));
      var minutes = Math.max(0, Math.floor((Date.now() - since.getTime()) / 60000));
      var text = minutes === 1
        ? counter.getAttribute("data-one")
        : counter.getAttribute("data-other").replace("%n", String(minutes));
      if (counter.textContent !== text) {
        counter.textContent = text;
      }
    });
  };
  setInterval(tick, 15000);
});

// After htmx replaces a work area (the agenda), keyboard focus goes to the outcome it says,
// not back to the top of the page.
document.addEventListener("htmx:afterSwap", function () {
  var said = document.querySelector("[data-focus-after-swap]");
  if (said) {
    said.removeAttribute("data-focus-after-swap");
    said.focus();
  }
});
