/* infoint-site: open an encrypted page in the browser with WebCrypto.
   The password is turned into a key with PBKDF2-HMAC-SHA256 (the build's salt and
   rounds); only that key is kept, in sessionStorage, so other pages of this tab open
   without asking. A page whose ciphertext, or place on the server, was changed fails
   closed: nothing of it is shown. */
(function () {
  "use strict";
  var STORE = "infoint-site-key";
  var CHECK_PATH = "infoint-site/password-check";
  var sealed = JSON.parse(document.getElementById("sealed").textContent);
  var form = document.getElementById("unlock-form");
  var message = document.getElementById("unlock-message");
  var enc = new TextEncoder();

  function bytes(b64) {
    var raw = atob(b64), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  function b64(buffer) {
    var view = new Uint8Array(buffer), s = "";
    for (var i = 0; i < view.length; i++) s += String.fromCharCode(view[i]);
    return btoa(s);
  }

  function say(text) {
    message.textContent = text;
    message.hidden = false;
  }

  /* The page's path from the site root, as the build named it. */
  function herePath() {
    var root = new URL(sealed.base || "./", location.href).pathname;
    var path = decodeURIComponent(location.pathname).slice(decodeURIComponent(root).length);
    if (path === "" || path.slice(-1) === "/") path += "index.html";
    return path;
  }

  function open(key, path, b64data) {
    var blob = bytes(b64data);
    return crypto.subtle.decrypt(
      {name: "AES-GCM", iv: blob.slice(0, 12), additionalData: enc.encode(path)},
      key, blob.slice(12));
  }

  function show(key) {
    if (sealed.path !== "404.html" && herePath() !== sealed.path) {
      return Promise.reject(new Error("moved"));
    }
    return open(key, sealed.path, sealed.payload).then(function (plain) {
      var html = new TextDecoder().decode(plain);
      document.open();
      document.write(html);
      document.close();
    });
  }

  function derive(password) {
    return crypto.subtle.importKey("raw", enc.encode(password), "PBKDF2", false, ["deriveKey"])
      .then(function (base) {
        return crypto.subtle.deriveKey(
          {name: "PBKDF2", hash: "SHA-256", salt: bytes(sealed.salt), iterations: sealed.iterations},
          base, {name: "AES-GCM", length: 256}, true, ["decrypt"]);
      });
  }

  function remembered() {
    try {
      var kept = JSON.parse(sessionStorage.getItem(STORE) || "null");
      if (!kept || kept.salt !== sealed.salt) return Promise.resolve(null);
      return crypto.subtle.importKey("raw", bytes(kept.key), "AES-GCM", false, ["decrypt"]);
    } catch (e) {
      return Promise.resolve(null);
    }
  }

  function damaged() {
    form.hidden = true;
    say("This page could not be opened: it has been changed or damaged since it was built. Nothing of it is shown.");
  }

  if (!window.crypto || !crypto.subtle) {
    form.hidden = true;
    say("This browser cannot decrypt here: open the site over HTTPS or from localhost.");
    return;
  }

  remembered().then(function (key) {
    if (key) return show(key).catch(damaged);
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var button = form.querySelector("button");
    button.disabled = true;
    say("Unlocking…");
    var password = form.elements.password.value;
    derive(password).then(function (key) {
      return open(key, CHECK_PATH, sealed.check).then(function () {
        return crypto.subtle.exportKey("raw", key).then(function (raw) {
          sessionStorage.setItem(STORE, JSON.stringify({salt: sealed.salt, key: b64(raw)}));
          return show(key).catch(damaged);
        });
      }, function () {
        say("Wrong password. Nothing was decrypted.");
        button.disabled = false;
        form.elements.password.select();
      });
    });
  });
})();
