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

  // "image", "pdf", "heic", "" (anything else), or "?" when the file cannot be read here.
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
    if (
      startsWith(bytes, [0xff, 0xd8, 0xff]) ||
      startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) ||
      ["GIF87a", "GIF89a"].includes(ascii(bytes, 0, 6)) ||
      (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 12) === "WEBP")
    ) {
      return "image";
    }
    if (ascii(bytes, 0, 5) === "%PDF-") {
      return "pdf";
    }
    if (ascii(bytes, 4, 8) === "ftyp" && HEIF_BRANDS.includes(ascii(bytes, 8, 12))) {
      return "heic";
    }
    return "";
  }

  function named(template, file) {
    return (template || "").replace("%(name)s", file.name);
  }

  async function refusal(input, file) {
    const data = input.dataset;
    const limit = Number(data.maxBytes || 0);
    if (limit && file.size > limit) {
      return named(data.tooBigMessage, file);
    }
    const kind = await kindOf(file);
    if (kind === "heic") {
      return named(data.heicMessage, file);
    }
    if (kind === "" || (kind === "pdf" && data.imagesOnly === "1")) {
      return named(data.notAllowedMessage, file);
    }
    return "";
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
    const kept = [];
    const lines = [];
    for (const file of chosen) {
      const reason = await refusal(input, file);
      if (reason) {
        lines.push([reason, true]);
      } else {
        kept.push(file);
      }
    }
    let blocking = "";
    if (lines.length) {
      if (!keepOnly(input, kept)) {
        blocking = lines.map(([text]) => text).join(" ");
      } else if (kept.length) {
        lines.push([data.droppedMessage || "", false]);
      }
    }
    const maxFiles = Number(data.maxFiles || 0);
    if (maxFiles && kept.length + keptOnServer(input) > maxFiles) {
      lines.push([data.tooManyMessage || "", true]);
      blocking = [blocking, data.tooManyMessage || ""].join(" ").trim();
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
