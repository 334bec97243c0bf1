// Start Det Fælles Designsystem's components once the page is parsed.
document.addEventListener("DOMContentLoaded", function () {
  if (window.DKFDS) {
    window.DKFDS.init();
  }
});
