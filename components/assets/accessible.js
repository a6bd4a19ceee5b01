// Markup fixes no Streamlit option reaches (see components/accessibility.py). Runs in the page,
// once per browser tab, and re-applies after Streamlit redraws (a MutationObserver, throttled).
export default function () {
  if (window.__streamlabAccessible) return;
  window.__streamlabAccessible = true;

  // The sidebar navigation puts each section's <div> (a header, then <li> links) straight into
  // its <ul>: a list may hold only <li>, and each <li> then lacks a list parent. Each section
  // becomes a list named by its header; the outer <ul> only groups them.
  const fixNavigation = () => {
    for (const list of document.querySelectorAll('[data-testid="stSidebarNavItems"]')) {
      const sections = [...list.children].filter((el) => el.tagName === "DIV");
      if (!sections.length) continue;
      list.setAttribute("role", "none");
      for (const section of sections) {
        section.setAttribute("role", "list");
        const header = section.querySelector(":scope > header");
        if (!header) continue;
        header.setAttribute("role", "none");
        const name = header.innerText.trim();
        if (name) section.setAttribute("aria-label", name);
      }
    }
  };

  // A region that scrolls (a wide code block, a fixed-height output box) must take keyboard
  // focus, or a keyboard user cannot scroll it.
  const scrolls = (el) => {
    const style = getComputedStyle(el);
    const x = /auto|scroll/.test(style.overflowX) && el.scrollWidth > el.clientWidth + 1;
    const y = /auto|scroll/.test(style.overflowY) && el.scrollHeight > el.clientHeight + 1;
    return x || y;
  };
  const fixScrollers = () => {
    const candidates = document.querySelectorAll(
      '[data-testid="stMain"] .stCode pre, [data-testid="stMain"] [data-testid="stVerticalBlock"]'
    );
    for (const el of candidates) {
      if (!el.hasAttribute("tabindex") && scrolls(el)) el.setAttribute("tabindex", "0");
    }
  };

  // `window.__streamlabAccessiblePending` is true while a fix is queued (the browser tests wait).
  const fix = () => {
    window.__streamlabAccessiblePending = false;
    fixNavigation();
    fixScrollers();
  };
  const queueFix = () => {
    if (window.__streamlabAccessiblePending) return;
    window.__streamlabAccessiblePending = true;
    setTimeout(fix, 200);
  };
  new MutationObserver(queueFix).observe(document.body, {
    subtree: true,
    childList: true,
    characterData: true, // streamed text grows in place: a box can start to scroll without new nodes
    attributes: true,
    attributeFilter: ["class", "style", "data-stale"], // not the attributes set here: no loop
  });
  // A narrower window makes new scrollers; queued like a redraw's fix, so a check that waits for
  // pending fixes (the browser tests' axe run right after a resize) waits for this one too.
  window.addEventListener("resize", queueFix);
  fix();
}
