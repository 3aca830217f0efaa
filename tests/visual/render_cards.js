// Renders Adaptive Cards with Microsoft's renderer the way Teams does (its host config, Markdown in text),
// and reports, per card: parse warnings, validation failures, and the colour and background of every piece of
// rendered text with their WCAG contrast ratio.
(function () {
  "use strict";
  const AC = window.AdaptiveCards;
  const md = window.markdownit({ html: false, linkify: false, breaks: true });

  AC.AdaptiveCard.onProcessMarkdown = function (text, result) {
    result.outputHtml = md.render(text);
    result.didProcess = true;
  };

  function channel(c) {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
  }
  function luminance(rgb) {
    return 0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2]);
  }
  function parseColour(css) {
    const m = css.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const parts = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
  }
  function over(top, bottom) {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  }
  // The colour behind an element: its own and its ancestors' backgrounds composed over the page's.
  function backgroundOf(el, pageBackground) {
    const layers = [];
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const bg = parseColour(getComputedStyle(node).backgroundColor);
      if (bg && bg[3] > 0) {
        layers.push(bg);
        if (bg[3] >= 1) break;
      }
    }
    let colour = pageBackground;
    for (let i = layers.length - 1; i >= 0; i--) colour = over(layers[i], colour);
    return colour;
  }
  function ratio(a, b) {
    const la = luminance(a), lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }
  function hex(rgb) {
    return "#" + rgb.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");
  }

  window.renderCards = function (cards, hostConfigJson, width) {
    const hostConfig = new AC.HostConfig(hostConfigJson);
    const pageBackground = parseColour(getComputedStyle(document.body).backgroundColor) || [255, 255, 255, 1];
    document.body.innerHTML = "";
    const results = [];
    for (const [name, json] of cards) {
      const card = new AC.AdaptiveCard();
      card.hostConfig = hostConfig;
      const context = new AC.SerializationContext();
      card.parse(json, context);
      const parseWarnings = [];
      for (let i = 0; i < context.eventCount; i++) parseWarnings.push(context.getEventAt(i).message);
      const validation = card.validateProperties();
      const failures = [];
      for (const event of validation.validationEvents) failures.push(event.message);
      const frame = document.createElement("section");
      frame.setAttribute("data-card", name);
      frame.style.width = width + "px";
      frame.style.margin = "12px";
      frame.style.display = "inline-block";
      frame.style.verticalAlign = "top";
      const rendered = card.render();
      if (rendered) frame.appendChild(rendered);
      document.body.appendChild(frame);
      const texts = [];
      const walker = document.createTreeWalker(frame, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const words = node.textContent.trim();
        const el = node.parentElement;
        if (!words || !el || el.closest("button, .ac-pushButton, input, select, textarea")) continue;
        // The renderer's own cue after a required input's label (its host config's suffix, default " *" in
        // the attention colour): drawn by Teams, not coloured by us; the label itself is checked.
        if (words === "*" && el.closest(".ac-textRun, span") && el.parentElement && el.parentElement.closest("label")) continue;
        const style = getComputedStyle(el);
        if (style.visibility === "hidden" || style.display === "none") continue;
        const bg = backgroundOf(el, pageBackground);
        const fg = over(parseColour(style.color), bg);
        texts.push({ text: words.slice(0, 60), colour: hex(fg), background: hex(bg), ratio: ratio(fg, bg) });
      }
      results.push({ name, rendered: !!rendered, parseWarnings, failures, texts });
    }
    return results;
  };
})();
