// The event form: choosing a type of event shows its fields at once (without this script, press «Chọn»).
document.addEventListener("DOMContentLoaded", function () {
  var select = document.querySelector("select[data-autosubmit]");
  if (select) {
    select.addEventListener("change", function () { if (select.value) { select.form.submit(); } });
  }
});
