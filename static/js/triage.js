// AI网格员 (G3): "生成答复草稿" fills the public reply with a draft for staff to edit; nothing is sent.
// Under the draft: what it is (a draft to check), the model version, the similarity and the closed
// cases it was assembled from, as links.
(function () {
  "use strict";

  const percent = (score) => `${Math.round(Number(score) * 100)}%`;

  // The page language's punctuation: full-width in Chinese ("模型版本：… 相似度：23%"), Latin
  // in English ("Model version: … Similarity: 23%").
  function punctuation() {
    const chinese = /^zh/i.test(document.documentElement.lang || "zh-hans");
    return chinese
      ? { colon: "：", gap: "　", comma: "、", paren: (text) => `（${text}）` }
      : { colon: ": ", gap: "  ", comma: ", ", paren: (text) => ` (${text})` };
  }

  function placed(button, name, after) {
    let element = button.parentElement.querySelector(`[${name}]`);
    if (!element) {
      element = document.createElement("div");
      element.setAttribute(name, "");
      after.insertAdjacentElement("afterend", element);
    }
    return element;
  }

  function say(button, text, css) {
    const note = placed(button, "data-reply-draft-note", button);
    note.setAttribute("role", "status");
    note.className = `small mb-2 ${css}`;
    note.textContent = text;
    return note;
  }

  function showProvenance(button, note, draft) {
    const box = placed(button, "data-reply-draft-provenance", note);
    box.className = "small text-body-secondary mb-2";
    box.replaceChildren();
    const marks = punctuation();
    const facts = document.createElement("div");
    facts.textContent =
      `${button.dataset.modelLabel}${marks.colon}${draft.model_version}${marks.gap}` +
      `${button.dataset.confidenceLabel}${marks.colon}${percent(draft.confidence)}`;
    box.append(facts);
    const sources = document.createElement("div");
    sources.setAttribute("data-reply-draft-sources", "");
    if (!draft.sources.length) {
      sources.textContent = button.dataset.noSources;
    } else {
      sources.append(`${button.dataset.sourcesLabel}${marks.colon}`);
      draft.sources.forEach((source, index) => {
        if (index) {
          sources.append(marks.comma);
        }
        const link = document.createElement("a");
        link.href = source.url;
        link.target = "_blank";
        link.rel = "noopener";
        link.textContent = source.number;
        sources.append(link, marks.paren(percent(source.similarity)));
      });
    }
    box.append(sources);
  }

  function clearProvenance(button) {
    const box = button.parentElement.querySelector("[data-reply-draft-provenance]");
    if (box) {
      box.remove();
    }
  }

  document.addEventListener("click", async (event) => {
    const button = event.target instanceof Element ? event.target.closest("[data-reply-draft]") : null;
    if (!button) {
      return;
    }
    event.preventDefault();
    const target = document.getElementById(button.dataset.target || "");
    if (!target) {
      return;
    }
    if (target.value.trim() && !window.confirm(button.dataset.replaceQuestion)) {
      return;
    }
    button.disabled = true;
    try {
      const response = await fetch(button.dataset.replyDraft, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      const draft = await response.json();
      target.value = draft.text;
      // The character counter (gongzhi.js) and anything else listening see the new text.
      target.dispatchEvent(new Event("input", { bubbles: true }));
      target.focus();
      const note = say(button, draft.notice || button.dataset.draftNote, "text-warning-emphasis");
      showProvenance(button, note, draft);
    } catch (error) {
      clearProvenance(button);
      say(button, button.dataset.draftError, "text-danger");
    } finally {
      button.disabled = false;
    }
  });
})();
