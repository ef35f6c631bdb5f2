// Page behaviour without inline scripts (the Content-Security-Policy allows scripts from our files only).
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.matches("[data-autosubmit]")) {
    target.form.submit();
  }
});
