// Page behaviour without inline scripts (the Content-Security-Policy allows scripts from our files only).
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.matches("[data-autosubmit]")) {
    target.form.submit();
  }
});
// Phone-sized screens: the menu (and the user box) fold behind the 菜单 button in the header.
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("[data-nav-toggle]") : null;
  if (button) {
    const open = button.closest(".site-header").classList.toggle("menu-open");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }
});
