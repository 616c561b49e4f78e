// Small progressive enhancements; every page works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // "返回" links go back in history when there is a page to go back to.
  for (const a of document.querySelectorAll("a[data-back]")) {
    a.addEventListener("click", (e) => {
      if (history.length > 1) { e.preventDefault(); history.back(); }
    });
  }
  // "打印" buttons print the page (the browser's own print works too).
  for (const b of document.querySelectorAll("[data-print]")) {
    b.addEventListener("click", () => window.print());
  }
  // Buttons that change records for good ask once more.
  for (const b of document.querySelectorAll("[data-confirm]")) {
    b.addEventListener("click", (e) => {
      if (!window.confirm(b.getAttribute("data-confirm"))) { e.preventDefault(); }
    });
  }
});
