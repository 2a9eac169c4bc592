// Pre-select the browser's own time zone on the sign-up form, when it is one of the choices.
(function () {
  var select = document.querySelector("select[data-guess-time-zone]");
  if (!select || !window.Intl) { return; }
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && select.querySelector('option[value="' + zone + '"]')) { select.value = zone; }
})();
