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

  // "Add to list" without leaving the page: the button's form is sent in
  // the background, the button changes to "Added ✓ — remove" (and back),
  // and a polite live region says what happened. Any answer but the JSON
  // one (a list to choose first, an error) is left to the plain form.
  var addForms = document.querySelectorAll("form[data-add-in-place]");
  if (addForms.length && window.fetch && window.FormData && window.URLSearchParams) {
    var live = document.createElement("div");
    live.id = "list-status";
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    document.body.appendChild(live);
    addForms.forEach(function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var button = form.querySelector("button");
        if (button.disabled) { return; }
        button.disabled = true;
        fetch(form.action, {
          // Sent as the plain form sends it: only file uploads may be
          // multipart, and the server refuses a multipart body elsewhere.
          method: "POST", body: new URLSearchParams(new FormData(form)), credentials: "same-origin",
          headers: { "Accept": "application/json" }
        }).then(function (res) {
          var type = res.headers.get("Content-Type") || "";
          if (!res.ok || type.indexOf("application/json") !== 0) { throw new Error("not in place"); }
          return res.json();
        }).then(function (r) {
          button.disabled = false;
          form.action = r.action;
          button.textContent = r.button;
          if (r.on_list) { button.setAttribute("aria-pressed", "true"); } else { button.removeAttribute("aria-pressed"); }
          var old = form.querySelector(".added");
          if (old) { old.remove(); }
          // Cleared first, so saying the same words twice is heard twice.
          live.textContent = "";
          window.setTimeout(function () { live.textContent = r.message; }, 50);
        }).catch(function () {
          button.disabled = false;
          form.submit();
        });
      });
    });
  }

  // Dragging a list's items into a new order: an enhancement of the
  // position boxes, which it fills in; saving the form keeps the order.
  document.querySelectorAll("ol[data-reorder]").forEach(function (list) {
    var dragged = null;
    var status = document.createElement("p");
    status.className = "hint";
    status.setAttribute("role", "status");
    list.insertAdjacentElement("afterend", status);
    var renumber = function () {
      list.querySelectorAll(":scope > li").forEach(function (li, i) {
        var pos = li.querySelector("input[type=number]");
        if (pos) { pos.value = i + 1; }
      });
    };
    list.querySelectorAll(":scope > li").forEach(function (li) {
      li.draggable = true;
      li.addEventListener("dragstart", function (e) {
        dragged = li;
        li.classList.add("dragging");
        e.dataTransfer.effectAllowed = "move";
        e.dataTransfer.setData("text/plain", li.id);
      });
      li.addEventListener("dragend", function () { li.classList.remove("dragging"); dragged = null; });
      li.addEventListener("dragover", function (e) {
        if (!dragged || dragged === li) { return; }
        e.preventDefault();
        var box = li.getBoundingClientRect();
        var after = e.clientY > box.top + box.height / 2;
        list.insertBefore(dragged, after ? li.nextSibling : li);
      });
      li.addEventListener("drop", function (e) {
        e.preventDefault();
        renumber();
        status.textContent = "Moved. Save to keep the new order.";
      });
    });
  });

  // "Copy link" beside a link to copy; without the script the hint beside
  // it says how to copy it by hand.
  document.querySelectorAll("input[data-copy]").forEach(function (input) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "secondary";
    button.textContent = "Copy link";
    var status = document.createElement("span");
    status.className = "copy-status";
    status.setAttribute("role", "status");
    button.addEventListener("click", function () {
      var done = function () { status.textContent = "Link copied."; };
      var byHand = function () {
        input.focus();
        input.select();
        status.textContent = document.execCommand && document.execCommand("copy") ? "Link copied." : "Now copy the selected link.";
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(done, byHand);
      } else {
        byHand();
      }
    });
    input.insertAdjacentElement("afterend", button);
    button.insertAdjacentElement("afterend", status);
  });

  // A Print button on the print views.
  document.querySelectorAll("[data-print]").forEach(function (slot) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = "Print";
    button.addEventListener("click", function () { window.print(); });
    slot.appendChild(button);
  });

  // A shared list's follow-up asks "If you went: did it help?" only once
  // "I went" is chosen. Without the script the question always shows, and
  // the server ignores its answer for any other choice.
  document.querySelectorAll("form.answer-form").forEach(function (form) {
    var help = form.querySelector("fieldset.answer-help");
    var went = form.querySelector("input[name=status][value=went]");
    if (!help || !went) { return; }
    var update = function () { help.hidden = !went.checked; };
    form.addEventListener("change", update);
    update();
  });
})();
