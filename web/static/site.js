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

  // A Print button on the print views.
  document.querySelectorAll("[data-print]").forEach(function (slot) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = "Print";
    button.addEventListener("click", function () { window.print(); });
    slot.appendChild(button);
  });
})();
