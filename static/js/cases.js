// Cases pages: queue tabs and bulk selection, and the metrics chart. No inline scripts (CSP).
(function () {
  "use strict";

  // 工作台: "select all" toggles every case checkbox of the bulk-dispatch form.
  document.addEventListener("change", (event) => {
    const target = event.target;
    if (!(target instanceof HTMLInputElement) || !target.hasAttribute("data-select-all")) {
      return;
    }
    const form = target.closest("form") || document;
    form.querySelectorAll("input[data-case-checkbox]").forEach((box) => {
      box.checked = target.checked;
    });
  });

  // 工作台 tabs: radios drawn as pills, outside the part htmx swaps, so the highlight moves here,
  // with the radio's checked attribute (what htmx's history snapshot keeps): at once when a tab is
  // chosen (click or arrow keys), and back to the tab the results show when back/forward
  // restores a saved page (saved as the next tab was being chosen).
  function markTab(bucket) {
    document.querySelectorAll("[data-queue-tabs] input[name=bucket]").forEach((radio) => {
      const chosen = radio.value === bucket;
      radio.checked = chosen;
      radio.toggleAttribute("checked", chosen);
      radio.closest(".nav-link").classList.toggle("active", chosen);
    });
  }

  document.addEventListener("change", (event) => {
    const target = event.target;
    if (target instanceof HTMLInputElement && target.closest("[data-queue-tabs]")) {
      markTab(target.value);
    }
  });

  document.addEventListener("htmx:historyRestore", () => {
    const results = document.querySelector("#queue-results [data-bucket]");
    if (results) {
      markTab(results.dataset.bucket);
    }
  });

  // Photos and files: checked as they are chosen, by the server's rules (size, count, what the
  // first bytes prove, never the name), so that a wrong file is not sent over mobile data only
  // to be refused, with the good ones lost. A wrong file is taken out of the choice and named
  // beside the field, the others stay chosen; where a browser cannot take one out, or too many
  // are chosen, the form is not sent. The words come from the input's data-*-message attributes
  // (gongzhi/cases/forms/fields.py MultipleFileField, translated by the server). The server
  // checks everything again.
  const pendingChecks = new WeakMap(); // input → the promise of its check

  function startsWith(bytes, signature) {
    return signature.every((value, i) => bytes[i] === value);
  }

  function ascii(bytes, from, to) {
    return String.fromCharCode(...bytes.slice(from, to));
  }

  const HEIF_BRANDS = ["heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs", "mif1", "msf1"];

  // "jpeg", "png", "gif", "webp", "pdf", "heic", "" (anything else), or "?" when the file cannot
  // be read here.
  async function kindOf(file) {
    if (!file.slice || !("arrayBuffer" in Blob.prototype)) {
      return "?";
    }
    let bytes;
    try {
      bytes = Array.from(new Uint8Array(await file.slice(0, 16).arrayBuffer()));
    } catch (error) {
      return "?";
    }
    if (startsWith(bytes, [0xff, 0xd8, 0xff])) {
      return "jpeg";
    }
    if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) {
      return "png";
    }
    if (["GIF87a", "GIF89a"].includes(ascii(bytes, 0, 6))) {
      return "gif";
    }
    if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 12) === "WEBP") {
      return "webp";
    }
    if (ascii(bytes, 0, 5) === "%PDF-") {
      return "pdf";
    }
    if (ascii(bytes, 4, 8) === "ftyp" && HEIF_BRANDS.includes(ascii(bytes, 8, 12))) {
      return "heic";
    }
    return "";
  }

  // A phone camera's photo is often over 5 MB: it is made smaller here (at most SHRINK_SIDE
  // pixels on its long side, a JPEG), rather than refused. Also a photo within the limit but
  // larger than that (less to send over mobile data); not a PNG within the limit, often a long
  // screenshot of a chat whose words would become unreadable. A GIF may move: never redrawn.
  const SHRINK_SIDE = 2560;
  const SHRINK_QUALITY = 0.85;
  // Nothing of the original name (it may name a person or a flat), as the server stores it.
  const SHRUNK_NAME = "upload.jpg";

  // The picture decoded, the right way up (a phone stores a portrait photo sideways, with an
  // EXIF note to turn it); null where this browser cannot decode it (HEIC, a broken file).
  async function decoded(file) {
    if (typeof createImageBitmap === "function") {
      try {
        return await createImageBitmap(file, { imageOrientation: "from-image" });
      } catch (error) {
        // An older browser refusing the option, or a file it cannot decode: try an <img>.
      }
    }
    const url = URL.createObjectURL(file);
    try {
      const image = new Image();
      image.src = url; // an <img> follows EXIF orientation (CSS image-orientation: from-image)
      await image.decode();
      return image;
    } catch (error) {
      return null;
    } finally {
      URL.revokeObjectURL(url);
    }
  }

  // A smaller JPEG of `file`, or null where it needs none or cannot be made here.
  async function shrunk(file, kind, limit) {
    const tooBig = limit && file.size > limit;
    if (!tooBig && kind === "png") {
      return null;
    }
    const picture = await decoded(file);
    if (!picture) {
      return null;
    }
    const width = picture.naturalWidth || picture.width;
    const height = picture.naturalHeight || picture.height;
    const scale = Math.min(1, SHRINK_SIDE / Math.max(width, height));
    try {
      if (!width || !height || (!tooBig && scale === 1)) {
        return null;
      }
      const canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(width * scale));
      canvas.height = Math.max(1, Math.round(height * scale));
      const context = canvas.getContext("2d");
      context.fillStyle = "#fff"; // a transparent PNG's background, which a JPEG cannot keep
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(picture, 0, 0, canvas.width, canvas.height);
      const blob = await new Promise((resolve) => {
        canvas.toBlob(resolve, "image/jpeg", SHRINK_QUALITY);
      });
      if (!blob || (!tooBig && blob.size >= file.size)) {
        return null;
      }
      return new File([blob], SHRUNK_NAME, { type: "image/jpeg", lastModified: Date.now() });
    } catch (error) {
      return null;
    } finally {
      if (picture.close) {
        picture.close();
      }
    }
  }

  function named(template, file) {
    return (template || "").replace("%(name)s", file.name);
  }

  const SHRINKABLE = ["jpeg", "png", "webp"];

  // [the file to send (`file` itself, or a smaller copy), ""] or [null, why it is refused].
  async function checked(input, file) {
    const data = input.dataset;
    const limit = Number(data.maxBytes || 0);
    const kind = await kindOf(file);
    if (kind === "heic") {
      return [null, named(data.heicMessage, file)];
    }
    if (kind === "" || (kind === "pdf" && data.imagesOnly === "1")) {
      return [null, named(data.notAllowedMessage, file)];
    }
    const sent = (SHRINKABLE.includes(kind) && (await shrunk(file, kind, limit))) || file;
    if (limit && sent.size > limit) {
      return [null, named(data.tooBigMessage, file)];
    }
    return [sent, ""];
  }

  // A file's name as the messages quote it: the quotation marks of the too-big message around
  // "%(name)s" (「…」 in Chinese, “…” in English).
  function quoted(input, file) {
    const template = input.dataset.tooBigMessage || "";
    const at = template.indexOf("%(name)s");
    if (at < 1) {
      return file.name;
    }
    const after = template.slice(at + "%(name)s".length, at + "%(name)s".length + 1);
    return template.slice(at - 1, at) + file.name + after;
  }

  // Keep only `files` chosen; false where the browser cannot change a file input's choice.
  function keepOnly(input, files) {
    try {
      const transfer = new DataTransfer();
      files.forEach((file) => transfer.items.add(file));
      input.files = transfer.files;
      return input.files.length === files.length;
    } catch (error) {
      return false;
    }
  }

  function showCheck(input, lines, blocking) {
    let note = input.parentElement.querySelector("[data-file-check]");
    if (!lines.length) {
      if (note) {
        note.remove();
      }
      input.classList.remove("is-invalid");
      return;
    }
    if (!note) {
      note = document.createElement("div");
      note.className = "small fw-semibold mt-1";
      note.setAttribute("data-file-check", "");
      note.setAttribute("data-testid", "file-check");
      note.setAttribute("role", "alert");
      note.id = `${input.id || input.name}_check`;
      input.insertAdjacentElement("afterend", note);
      const described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      input.setAttribute("aria-describedby", [note.id, ...described].join(" "));
    }
    note.replaceChildren(
      ...lines.map(([text, refused]) => {
        const line = document.createElement("div");
        line.className = refused ? "text-danger" : "text-body-secondary";
        line.textContent = text;
        return line;
      }),
    );
    input.classList.toggle("is-invalid", blocking);
  }

  // Photos a refused form kept on the server (cases/_kept_photos.html), less those ticked for
  // removal: they count towards the same limit as the newly chosen ones.
  function keptOnServer(input) {
    const form = input.form || document;
    return form.querySelectorAll("input[data-kept-remove]:not(:checked)").length;
  }

  async function checkFiles(input) {
    const data = input.dataset;
    const chosen = Array.from(input.files || []);
    const lines = [];
    // More than the limit (with the photos the server kept): the first ones stay chosen, the
    // others are named and left out, as a wrong photo is.
    const maxFiles = Number(data.maxFiles || 0);
    const room = maxFiles ? Math.max(0, maxFiles - keptOnServer(input)) : chosen.length;
    const extras = chosen.slice(room);
    if (extras.length) {
      lines.push([data.tooManyMessage || "", true]);
      lines.push([extras.map((file) => quoted(input, file)).join(" "), true]);
    }
    const limit = Number(data.maxBytes || 0);
    const kept = [];
    const shrunkFromTooBig = [];
    let replaced = extras.length > 0;
    for (const file of chosen.slice(0, room)) {
      const [sent, reason] = await checked(input, file);
      if (reason) {
        lines.push([reason, true]);
        replaced = true;
      } else {
        kept.push(sent);
        if (sent !== file) {
          replaced = true;
          if (limit && file.size > limit) {
            shrunkFromTooBig.push(file);
          }
        }
      }
    }
    let blocking = "";
    if (replaced && !keepOnly(input, kept)) {
      // This browser cannot change the choice: the files it would have left out, and the
      // photos too big to send unless made smaller, hold the form back. A photo within the
      // limit that could have been smaller is sent as it is.
      shrunkFromTooBig.forEach((file) => lines.push([named(data.tooBigMessage, file), true]));
      const refused = lines.filter(([, isRefusal]) => isRefusal).map(([text]) => text);
      blocking = refused.join(" ");
    } else if (lines.length && kept.length) {
      lines.push([data.droppedMessage || "", false]);
    }
    input.setCustomValidity(blocking);
    showCheck(input, lines, Boolean(blocking));
    return lines.length > 0; // something was said: a file left out, or the form held back
  }

  document.addEventListener("change", (event) => {
    const target = event.target;
    if (target instanceof HTMLInputElement && target.type === "file" && target.dataset.maxBytes) {
      const check = checkFiles(target).finally(() => {
        if (pendingChecks.get(target) === check) {
          pendingChecks.delete(target);
        }
      });
      pendingChecks.set(target, check);
    }
  });

  // A kept photo ticked 移除 is dimmed, and the chosen files are checked again against the
  // limit (removing one may make room for them).
  document.addEventListener("change", (event) => {
    const target = event.target;
    if (!(target instanceof HTMLInputElement) || !target.hasAttribute("data-kept-remove")) {
      return;
    }
    const photo = target.closest("[data-kept-photo]");
    if (photo) {
      photo.classList.toggle("opacity-50", target.checked);
    }
    const form = target.form || document;
    form.querySelectorAll("input[type=file][data-max-bytes]").forEach((input) => {
      if (input.files && input.files.length) {
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  });

  // The forms are `novalidate` (the server words every error): the check stops the sending
  // here, before any other submit handler (a confirmation, htmx) runs.
  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      if (!(form instanceof HTMLFormElement)) {
        return;
      }
      const inputs = Array.from(form.querySelectorAll("input[type=file][data-max-bytes]"));
      const checking = inputs.filter((input) => pendingChecks.has(input));
      const pending = checking.map((input) => pendingChecks.get(input));
      if (pending.length) {
        // Chosen a moment ago, still being read: send once the check is done, unless it left a
        // file out (the resident reads why first, and sends again).
        event.preventDefault();
        event.stopImmediatePropagation();
        const submitter = event.submitter;
        Promise.allSettled(pending).then((results) => {
          const said = results.findIndex((result) => result.status === "fulfilled" && result.value);
          if (said < 0) {
            form.requestSubmit(submitter || undefined);
            return;
          }
          const input = checking[said];
          input.focus();
          input.scrollIntoView({ block: "center" });
        });
        return;
      }
      const refused = inputs.find((input) => input.validity.customError);
      if (refused) {
        event.preventDefault();
        event.stopImmediatePropagation();
        refused.focus();
        refused.scrollIntoView({ block: "center" });
      }
    },
    true,
  );

  // 指标: draw the chart from the json_script data when ECharts is on the page.
  function drawMetrics() {
    const holder = document.getElementById("metrics-chart");
    const source = document.getElementById("metrics-data");
    if (!holder || !source || typeof window.echarts === "undefined") {
      return;
    }
    const data = JSON.parse(source.textContent);
    const chart = window.echarts.init(holder);
    chart.setOption({
      tooltip: { trigger: "axis", valueFormatter: (v) => (v === null ? "—" : v + "%") },
      legend: { top: 0 },
      grid: { left: 40, right: 10, bottom: 60, top: 40 },
      xAxis: { type: "category", data: data.labels, axisLabel: { rotate: 30 } },
      yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      series: data.series.map((s) => ({ name: s.name, type: "bar", data: s.values })),
    });
    window.addEventListener("resize", () => chart.resize());
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawMetrics);
  } else {
    drawMetrics();
  }
})();
