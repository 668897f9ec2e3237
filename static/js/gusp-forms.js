// GUSP report forms (progressive enhancement: without JavaScript every field shows and the server checks):
// - the fields a choice needs: a block [data-gusp-when="value …"] shows when one of the form's switches
//   (selects and radio buttons marked data-gusp-switch) has one of those values (« Hors compétence »
//   names the competent body, « Doublon » the original report, « Transmettre » the organisation);
// - a canned-answer select ([data-gusp-answer-templates]) fills the answer's text from the JSON in
//   #gusp-answer-texts (id → text), unless the text was typed by hand.
(function () {
  function conditionalBlocks(form) {
    var switches = form.querySelectorAll("[data-gusp-switch]");
    var blocks = form.querySelectorAll("[data-gusp-when]");
    if (!switches.length || !blocks.length) return;
    function values() {
      var found = [];
      switches.forEach(function (element) {
        if (element.type === "radio" ? element.checked : true) found.push(element.value);
      });
      return found;
    }
    function update() {
      var current = values();
      blocks.forEach(function (block) {
        block.hidden = !block.dataset.guspWhen.split(" ").some(function (value) { return current.indexOf(value) >= 0; });
      });
    }
    switches.forEach(function (element) { element.addEventListener("change", update); });
    update();
  }

  function answerTemplates(form) {
    var select = form.querySelector("select[data-gusp-answer-templates]");
    var source = document.getElementById("gusp-answer-texts");
    var text = form.querySelector("textarea");
    if (!select || !source || !text) return;
    var texts = JSON.parse(source.textContent);
    var filled = text.value;
    select.addEventListener("change", function () {
      if (text.value.trim() && text.value !== filled) return;  // typed by hand: keep it
      filled = texts[select.value] || "";
      text.value = filled;
    });
  }

  document.querySelectorAll("form[data-gusp-form]").forEach(function (form) {
    conditionalBlocks(form);
    answerTemplates(form);
  });
})();
