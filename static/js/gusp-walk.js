// GUSP walk audits on a phone (templates/gusp/walk_audit_observation.html, gusp.views.walk_audits).
//
// - The observation form ([data-gusp-walk-form]) keeps what is typed as a draft in localStorage (key
//   data-draft-key: user and walk), restored on the next visit and cleared once the observation is sent.
// - The position comes from the phone (navigator.geolocation: tried on load, and with « Utiliser ma
//   position »): hidden latitude / longitude fields, the accuracy said in words; the address is the fallback.
// - The form is sent with fetch (Accept: application/json, the CSRF token of the page). When the connection
//   is lost, the observation is queued in localStorage (its fields, and its photo as a reduced JPEG data URL
//   when it fits) and sent when the browser is back online or on the next page load; the banner
//   [data-gusp-walk-pending] says how many wait. An observation the server refuses (400) stays in the queue,
//   marked, until it is taken back into the form or removed.
// No dependency; without fetch the form is posted as a plain form.
(function () {
  "use strict";

  var FIELDS = ["theme", "description", "priority", "address", "latitude", "longitude"];
  var PHOTO_SIDE = 1600;
  var PHOTO_QUALITY = 0.8;
  var MAX_PHOTO_CHARS = 1500000; // about 1.1 MB of JPEG once decoded; localStorage holds about 5 MB
  var LIGHT_PHOTO_BYTES = 1500000; // heavier photos are reduced before sending
  var queueRoot = document.querySelector("[data-gusp-walk-queue]");
  var form = document.querySelector("[data-gusp-walk-form]");
  if (!queueRoot && !form) return;

  var store = (function () {
    try {
      window.localStorage.setItem("gusp-walk-test", "1");
      window.localStorage.removeItem("gusp-walk-test");
      return window.localStorage;
    } catch (error) {
      return null;
    }
  })();
  var user = queueRoot ? queueRoot.dataset.user : "";
  var QUEUE_KEY = "gusp-walk-queue:" + user;
  var flushing = false;

  function read(key, fallback) {
    if (!store) return fallback;
    try {
      var value = JSON.parse(store.getItem(key));
      return value === null ? fallback : value;
    } catch (error) {
      return fallback;
    }
  }

  function write(key, value) {
    if (!store) return false;
    try {
      store.setItem(key, JSON.stringify(value));
      return true;
    } catch (error) {
      return false; // quota exceeded
    }
  }

  function forget(key) {
    if (store) store.removeItem(key);
  }

  function token() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function plural(count, singular, plural) {
    return count + " " + (count > 1 ? plural : singular);
  }

  function say(text, kind) {
    var box = document.getElementById("observation-message");
    if (!box) return;
    box.textContent = "";
    if (!text) return;
    var alert = document.createElement("div");
    alert.className = "alert alert-" + (kind || "success");
    alert.textContent = text;
    box.appendChild(alert);
  }

  // --- Queue of observations waiting for the network ------------------------------------------------

  function queue() {
    return read(QUEUE_KEY, []);
  }

  function saveQueue(items) {
    if (items.length) return write(QUEUE_KEY, items);
    forget(QUEUE_KEY);
    return true;
  }

  function renderBanner() {
    var banner = document.querySelector("[data-gusp-walk-pending]");
    if (!banner) return;
    var items = queue();
    banner.textContent = "";
    banner.classList.toggle("d-none", !items.length);
    if (!items.length) return;
    var waiting = items.filter(function (item) { return !item.error; }).length;
    var title = document.createElement("p");
    title.className = "mb-1 fw-semibold";
    title.id = "observations-en-attente";
    title.textContent = plural(items.length, "observation", "observations") + " en attente d'envoi";
    banner.appendChild(title);
    var note = document.createElement("p");
    note.className = "mb-2 small";
    note.textContent = waiting
      ? "Gardées sur ce téléphone, elles partiront dès le retour du réseau."
      : "Le serveur les a refusées : reprenez-les dans le formulaire pour les corriger.";
    banner.appendChild(note);
    items.forEach(function (item) {
      if (!item.error) return;
      var line = document.createElement("div");
      line.className = "border-top pt-2 mt-2";
      var text = document.createElement("p");
      text.className = "mb-1 small";
      text.textContent = "Refusée : « " + (item.fields.description || "").slice(0, 60) + " » — " + item.error;
      line.appendChild(text);
      if (form && item.draftKey === form.dataset.draftKey) {
        line.appendChild(button("Reprendre dans le formulaire", function () { takeBack(item.id); }));
      }
      line.appendChild(button("Supprimer", function () { drop(item.id); }, "btn-outline-danger"));
      banner.appendChild(line);
    });
    if (waiting) {
      banner.appendChild(button("Envoyer maintenant", function () { flush(true); }));
    }
  }

  function button(label, action, kind) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = "btn btn-sm me-2 mt-1 " + (kind || "btn-outline-dark");
    element.textContent = label;
    element.addEventListener("click", action);
    return element;
  }

  function drop(id) {
    saveQueue(queue().filter(function (item) { return item.id !== id; }));
    renderBanner();
  }

  function takeBack(id) {
    var item = queue().filter(function (entry) { return entry.id === id; })[0];
    if (!item || !form) return;
    fill(item.fields);
    if (item.photo) {
      try {
        var transfer = new DataTransfer();
        transfer.items.add(new File([blobOf(item.photo)], item.photoName || "photo.jpg", { type: "image/jpeg" }));
        form.elements.photo.files = transfer.files;
      } catch (error) { /* the photo is added again by hand */ }
    }
    saveDraft();
    drop(id);
    say("L'observation refusée est revenue dans le formulaire : " + item.error, "warning");
  }

  function blobOf(dataUrl) {
    var parts = dataUrl.split(",");
    var type = (parts[0].match(/data:([^;]+)/) || [])[1] || "image/jpeg";
    var bytes = atob(parts[1]);
    var array = new Uint8Array(bytes.length);
    for (var index = 0; index < bytes.length; index += 1) array[index] = bytes.charCodeAt(index);
    return new Blob([array], { type: type });
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": token() },
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (!json || response.redirected) return { kind: "session" };
      return response.json().then(function (data) {
        if (response.status === 201) return { kind: "saved", data: data };
        if (response.status === 400) return { kind: "refused", data: data };
        return { kind: "server" };
      });
    }, function () {
      return { kind: "offline" };
    });
  }

  function errorText(data) {
    return (data.errors || []).map(function (error) {
      return (error.label ? error.label + " : " : "") + error.message;
    }).join(" ");
  }

  function sendQueued(item) {
    var body = new FormData();
    body.append("csrfmiddlewaretoken", token());
    FIELDS.forEach(function (name) { body.append(name, item.fields[name] || ""); });
    if (item.photo) body.append("photo", blobOf(item.photo), item.photoName || "photo.jpg");
    return post(item.url, body);
  }

  function flush(asked) {
    if (flushing || !token()) return;
    var items = queue().filter(function (item) { return !item.error; });
    if (!items.length) return;
    if (navigator.onLine === false && !asked) return;
    flushing = true;
    var sent = 0;
    var next = function (index) {
      if (index >= items.length) return Promise.resolve("done");
      return sendQueued(items[index]).then(function (outcome) {
        var current = queue();
        if (outcome.kind === "saved") {
          sent += 1;
          saveQueue(current.filter(function (entry) { return entry.id !== items[index].id; }));
          return next(index + 1);
        }
        if (outcome.kind === "refused") {
          current.forEach(function (entry) {
            if (entry.id === items[index].id) entry.error = errorText(outcome.data);
          });
          saveQueue(current);
          return next(index + 1);
        }
        return outcome.kind; // offline, session or server: try again later
      });
    };
    next(0).then(function (stop) {
      flushing = false;
      renderBanner();
      if (sent) {
        say(plural(sent, "observation en attente envoyée", "observations en attente envoyées") + ".", "success");
        bumpCount(sent);
      } else if (stop === "session") {
        say("Votre session a expiré : reconnectez-vous pour envoyer les observations en attente.", "warning");
      }
    });
  }

  function bumpCount(added) {
    var counter = document.getElementById("observations-enregistrees");
    if (!counter) return;
    var count = (parseInt(counter.textContent, 10) || 0) + added;
    counter.textContent = plural(count, "observation enregistrée", "observations enregistrées");
  }

  // --- The observation form ----------------------------------------------------------------------------

  function values() {
    var data = {};
    FIELDS.forEach(function (name) {
      var element = form.elements[name];
      data[name] = element ? element.value : "";
    });
    return data;
  }

  function fill(data) {
    FIELDS.forEach(function (name) {
      var element = form.elements[name];
      if (element && data[name] !== undefined && data[name] !== null) element.value = data[name];
    });
    if (data.latitude && data.longitude) showAccuracy(data.accuracy);
  }

  function saveDraft() {
    if (!form) return;
    var data = values();
    data.accuracy = form.dataset.accuracy || "";
    var typed = data.description || data.address || data.theme;
    if (typed) write(form.dataset.draftKey, data);
    else forget(form.dataset.draftKey);
  }

  function clearForm() {
    ["theme", "description", "address"].forEach(function (name) { form.elements[name].value = ""; });
    form.elements.priority.value = "normale";
    form.elements.photo.value = "";
    forget(form.dataset.draftKey);
  }

  function showAccuracy(accuracy) {
    var line = form.querySelector("[data-gusp-walk-accuracy]");
    if (!line) return;
    if (accuracy === "" || accuracy === undefined || accuracy === null || isNaN(Number(accuracy))) {
      line.textContent = "Position relevée.";
      return;
    }
    var metres = Math.round(Number(accuracy));
    line.textContent = "Position relevée à " + metres + " m près" +
      (metres > 100 ? " : imprécise, précisez l'adresse ou un repère." : ".");
  }

  function locate() {
    var line = form.querySelector("[data-gusp-walk-accuracy]");
    if (!("geolocation" in navigator)) {
      line.textContent = "Ce téléphone ne donne pas sa position : indiquez l'adresse ou un repère.";
      return;
    }
    line.textContent = "Recherche de la position…";
    navigator.geolocation.getCurrentPosition(function (position) {
      form.elements.latitude.value = position.coords.latitude.toFixed(6);
      form.elements.longitude.value = position.coords.longitude.toFixed(6);
      form.dataset.accuracy = String(position.coords.accuracy);
      showAccuracy(position.coords.accuracy);
      saveDraft();
    }, function (error) {
      var reasons = {
        1: "Localisation refusée : autorisez-la dans le navigateur, ou indiquez l'adresse.",
        2: "Position introuvable ici : indiquez l'adresse ou un repère.",
        3: "La position tarde à venir : réessayez, ou indiquez l'adresse.",
      };
      line.textContent = reasons[error.code] || reasons[2];
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 30000 });
  }

  function showErrors(data) {
    var box = form.querySelector("[data-gusp-walk-errors]");
    box.textContent = "";
    var alert = document.createElement("div");
    alert.className = "alert alert-danger";
    alert.setAttribute("role", "alert");
    var intro = document.createElement("p");
    intro.className = "mb-1";
    intro.textContent = "Rien n'a été enregistré. Corrigez :";
    alert.appendChild(intro);
    var list = document.createElement("ul");
    list.className = "mb-0";
    (data.errors || []).forEach(function (error) {
      var item = document.createElement("li");
      var element = form.elements[error.field];
      if (error.label && element && element.type !== "hidden") {
        var link = document.createElement("a");
        link.href = "#" + element.id;
        link.textContent = error.label;
        item.appendChild(link);
        item.appendChild(document.createTextNode(" : " + error.message));
      } else {
        item.textContent = (error.label ? error.label + " : " : "") + error.message;
      }
      list.appendChild(item);
    });
    alert.appendChild(list);
    box.appendChild(alert);
    alert.scrollIntoView({ block: "start" });
  }

  function photoData(file) {
    // The photo as a JPEG data URL at most PHOTO_SIDE pixels wide or high, or null when it cannot be kept.
    // Read as a data URL (the CSP allows data: images, not blob: ones), then redrawn smaller on a canvas.
    if (!file) return Promise.resolve(null);
    return new Promise(function (resolve) {
      var reader = new FileReader();
      reader.onerror = function () { resolve(null); };
      reader.onload = function () {
        var image = new Image();
        image.onload = function () {
          var scale = Math.min(1, PHOTO_SIDE / Math.max(image.naturalWidth, image.naturalHeight));
          var canvas = document.createElement("canvas");
          canvas.width = Math.max(1, Math.round(image.naturalWidth * scale));
          canvas.height = Math.max(1, Math.round(image.naturalHeight * scale));
          canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
          var data = canvas.toDataURL("image/jpeg", PHOTO_QUALITY);
          resolve(data.length <= MAX_PHOTO_CHARS ? data : null);
        };
        image.onerror = function () { resolve(null); };
        image.src = reader.result;
      };
      reader.readAsDataURL(file);
    });
  }

  function enqueue() {
    var file = form.elements.photo.files[0];
    return photoData(file).then(function (photo) {
      var item = {
        id: String(Date.now()) + "-" + Math.random().toString(16).slice(2),
        url: form.action || window.location.href,
        draftKey: form.dataset.draftKey,
        fields: values(),
        photo: photo,
        photoName: file ? file.name.replace(/\.[^.]*$/, "") + ".jpg" : "",
        queuedAt: new Date().toISOString(),
        error: "",
      };
      var items = queue();
      items.push(item);
      var lost = Boolean(file) && !photo;
      if (!saveQueue(items) && item.photo) {
        item.photo = null;
        lost = true;
        saveQueue(items);
      }
      clearForm();
      renderBanner();
      say(
        "Pas de connexion : l'observation est gardée sur ce téléphone et partira dès le retour du réseau." +
          (lost ? " La photo n'a pas pu être gardée : ajoutez-la ensuite depuis la fiche du signalement." : ""),
        "warning"
      );
      window.scrollTo(0, 0);
    });
  }

  function lightBody() {
    // The form's data; a heavy photo (a phone's 4 to 8 MB) is sent reduced as the server would keep it
    // (PHOTO_SIDE pixels, JPEG): quicker on a weak street connection. The original when that fails.
    var body = new FormData(form);
    var file = form.elements.photo.files[0];
    if (!file || file.size <= LIGHT_PHOTO_BYTES) return Promise.resolve(body);
    return photoData(file).then(function (data) {
      if (data) body.set("photo", blobOf(data), file.name.replace(/\.[^.]*$/, "") + ".jpg");
      return body;
    });
  }

  function submit(event) {
    if (typeof window.fetch !== "function" || typeof FormData === "undefined") return; // plain form
    event.preventDefault();
    var submitter = form.querySelector("button[type=submit]");
    submitter.disabled = true;
    form.querySelector("[data-gusp-walk-errors]").textContent = "";
    lightBody().then(function (body) {
      return post(form.action || window.location.href, body);
    }).then(function (outcome) {
      if (outcome.kind === "saved") {
        clearForm();
        say(outcome.data.message, "success");
        bumpCount(1);
        window.scrollTo(0, 0);
        locate();
        flush();
        return null;
      }
      if (outcome.kind === "refused") return showErrors(outcome.data);
      if (outcome.kind === "session") {
        saveDraft();
        return say("Votre session a expiré : reconnectez-vous ; ce qui est saisi est gardé en brouillon.", "warning");
      }
      if (outcome.kind === "server") {
        saveDraft();
        return say("Le serveur n'a pas pu enregistrer l'observation : réessayez ; elle est gardée en brouillon.", "danger");
      }
      return enqueue();
    }).then(function () {
      submitter.disabled = false;
    });
  }

  if (form) {
    if (!("bound" in form.dataset)) {
      var draft = read(form.dataset.draftKey, null);
      if (draft) {
        fill(draft);
        form.dataset.accuracy = draft.accuracy || "";
        say("Brouillon restauré : ce qui avait été saisi est revenu.", "info");
      }
    }
    form.addEventListener("input", saveDraft);
    form.addEventListener("change", saveDraft);
    form.addEventListener("submit", submit);
    form.querySelector("[data-gusp-walk-locate]").addEventListener("click", locate);
    if (!form.elements.latitude.value) locate();
  }
  window.addEventListener("online", function () { flush(); });
  renderBanner();
  flush();
})();
