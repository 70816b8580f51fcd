// Signpost's only script: small enhancements. Every page works without it.
(function () {
  "use strict";

  // "Use my location": fill a place field with the device's position,
  // rounded to about 100 m, which the search reads as "lat,lon".
  if ("geolocation" in navigator) {
    document.querySelectorAll("input[data-locate]").forEach(function (input) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "link-button";
      button.textContent = "Use my location";
      var status = document.createElement("span");
      status.className = "locate-status";
      status.setAttribute("role", "status");
      button.addEventListener("click", function () {
        status.textContent = "Finding where you are…";
        navigator.geolocation.getCurrentPosition(function (pos) {
          input.value = pos.coords.latitude.toFixed(3) + "," + pos.coords.longitude.toFixed(3);
          status.textContent = "Found. Now press Search.";
          input.focus();
        }, function () {
          status.textContent = "Your location could not be found. Type a town or a postcode instead.";
        }, { timeout: 10000, maximumAge: 600000 });
      });
      input.insertAdjacentElement("afterend", button);
      button.insertAdjacentElement("afterend", status);
    });
  }

  // "Leave this page quickly" (the GOV.UK "Exit this page" pattern). The
  // link works alone; here leaving also replaces this page in the tab's
  // history, so Back does not return to it, blanks the page at once, and
  // happens too when Shift is pressed three times within five seconds.
  // Nothing is stored.
  var exit = document.querySelector("[data-quick-exit]");
  if (exit) {
    var exitLink = exit.querySelector("a");
    var said = document.createElement("span");
    said.className = "visually-hidden";
    said.setAttribute("aria-live", "polite");
    exit.appendChild(said);
    var leave = function () {
      document.documentElement.classList.add("leaving");
      window.location.replace(exitLink.href);
    };
    exitLink.addEventListener("click", function (e) {
      e.preventDefault();
      leave();
    });
    var presses = 0, timer = null, lastWasShifted = false;
    var reset = function () {
      presses = 0;
      clearTimeout(timer);
      timer = null;
    };
    document.addEventListener("keyup", function (e) {
      // A Shift released after typing a capital letter is not a press.
      if (e.key === "Shift" && !lastWasShifted) {
        presses++;
        clearTimeout(timer);
        timer = setTimeout(function () {
          reset();
          said.textContent = "Leave this page quickly timed out.";
        }, 5000);
        if (presses >= 3) {
          reset();
          said.textContent = "Leaving this page.";
          leave();
        } else {
          said.textContent = "Shift, press " + (3 - presses) + (presses === 2 ? " more time" : " more times") + " to leave this page.";
        }
      } else if (timer !== null) {
        reset();
        said.textContent = "";
      }
      lastWasShifted = e.shiftKey;
    });
    // A page brought back from the back-forward cache shows itself again.
    window.addEventListener("pageshow", function () {
      document.documentElement.classList.remove("leaving");
    });
  }

  // A Print button on the print views.
  document.querySelectorAll("[data-print]").forEach(function (slot) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = "Print";
    button.addEventListener("click", function () { window.print(); });
    slot.appendChild(button);
  });
})();
