// Buttons marked data-once are disabled once their form is sent, so a double click
// sends one request. Only a convenience: the server stores a repeated save once anyway.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.dataset.sending) {
    event.preventDefault();
    return;
  }
  form.dataset.sending = "1";
  // After this turn of the event loop, so the pressed button's name is still sent.
  setTimeout(() => {
    for (const button of form.querySelectorAll("button[data-once]")) {
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
    }
  }, 0);
});
// Returning to the page through the back/forward cache: make it usable again.
window.addEventListener("pageshow", () => {
  for (const form of document.querySelectorAll("form[data-sending]")) {
    delete form.dataset.sending;
    for (const button of form.querySelectorAll("button[data-once]")) {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  }
});
