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
