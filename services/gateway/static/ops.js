/* The pages' behaviour, without a framework or a build step:
   - a form with data-api posts its fields as JSON through the gateway, with the session's
     anti-forgery token, and shows a refusal next to the field it names (a field's data-type says
     how it is read: bool, date, list of lines, records of a line each);
   - the live stream (/events): a list with data-live-types is fetched again (its fragment) when
     such an event comes, and its new rows are marked; a banner says when the connection is lost
     and when it is back; nothing a person is typing is replaced;
   - a warning before the idle session ends. */
(function () {
  "use strict";
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content;
  var IDLE_WARNING_MS = 13 * 60 * 1000;
  var idleTimer;

  // Polish words for the services' named errors; any other refusal shows the service's own message.
  var MESSAGES = {
    NoAnswer: "Brak odpowiedzi — nie wiadomo, czy zapisano. Wyślij ponownie: to, co już zapisano, nie zapisze się drugi raz.",
    InvalidPesel: "Nieprawidłowy numer PESEL — sprawdź cyfry.",
    PeselBirthDateMismatch: "PESEL nie zgadza się z datą urodzenia.",
    MissingName: "Podaj imię i nazwisko.",
    MissingIdentifier: "Podaj PESEL albo, gdy osoba go nie ma, numer dokumentu tożsamości.",
    InvalidDate: "Podaj datę w postaci DD.MM.RRRR.",
    InvalidAddress: "Uzupełnij adres: ulica, kod pocztowy (NN-NNN) i miejscowość.",
    PersonNotFound: "Nie znaleziono takiej osoby w rejestrze.",
    MissingReasonForHelp: "Zaznacz co najmniej jeden powód udzielenia pomocy (art. 7).",
    UnknownTeam: "Wybierz zespół, do którego kierujesz sprawę.",
    AlreadyRouted: "Sprawa została już skierowana do tego zespołu.",
    MissingRoutingReason: "Napisz, dlaczego sprawa trafia do tego zespołu.",
    TextTooLong: "Tekst jest za długi.",
    NotYourRole: "Twoja rola nie pozwala na tę czynność.",
    NotAllowed: "Nie masz dostępu do tej sprawy.",
    Unauthenticated: "Sesja wygasła — zaloguj się ponownie.",
    MissingCsrfToken: "Odśwież stronę i spróbuj ponownie.",
    InterviewRequired: "Decyzję można wydać dopiero po wywiadzie środowiskowym.",
    AmountOutsideLegalRange: "Kwota jest poza granicami, które dopuszcza ustawa.",
    WorkloadLimitReached: "Pracownik ma już 50 rodzin (art. 110 ust. 11) — podaj uzasadnienie przekroczenia.",
    // social work
    DiagnosisWithoutPerson: "Diagnozę sporządza się razem z osobą — zaznacz, że była przy tym obecna.",
    NotAssigned: "Sprawa nie ma jeszcze pracownika socjalnego — najpierw przydziel ją pracownikowi.",
    CaseClosed: "Sprawa jest zamknięta.",
    CaseNotFound: "Nie ma takiej sprawy.",
    NoDiagnosis: "Najpierw zapisz diagnozę.",
    NoGoals: "Najpierw zapisz cele pracy z osobą.",
    ContractNotFound: "Nie ma takiego kontraktu socjalnego.",
    ContractStateError: "Kontrakt jest w stanie, który na to nie pozwala.",
    ContractInForce: "Obowiązuje już kontrakt socjalny — zmień go albo rozlicz przed zawarciem nowego.",
    NoFinalEvaluation: "Przed zamknięciem sprawy zapisz ocenę końcową.",
    NotATeamWorker: "To nie jest aktywny pracownik socjalny zespołu.",
    GroupNotFound: "Nie ma takiej grupy.",
    InvalidShape: "Dane formularza mają niewłaściwą postać.",
    MissingText: "Uzupełnij wymagane pole.",
    UnknownCode: "Wybierz wartość z listy.",
    // benefits
    AlreadyDecided: "W tym postępowaniu wydano już decyzję.",
    AssessmentRequired: "Najpierw zapisz ocenę uprawnień.",
    BenefitNotSpecified: "Najpierw wskaż świadczenie, o które osoba wnosi.",
    NotDelivered: "Decyzja nie została jeszcze doręczona.",
    AppealWindowOpen: "Biegnie jeszcze termin na odwołanie.",
    InvalidInterview: "Uzupełnij wywiad środowiskowy: skład gospodarstwa i dochody.",
    InterviewInFuture: "Wywiad nie może mieć daty z przyszłości.",
    MissingJustification: "Podaj uzasadnienie.",
    PeriodBeforeApplication: "Okres świadczenia nie może zaczynać się przed złożeniem wniosku.",
    NotEligible: "Osoba nie spełnia warunków do tego świadczenia.",
    InvalidAmount: "Podaj kwotę w złotych, np. 1229,00.",
    InvalidAccount: "Numer rachunku jest nieprawidłowy (26 cyfr, suma kontrolna).",
    RepaymentNotAllowed: "Zwrotu nie można tu zapisać.",
    FormNotInForce: "Ta forma pomocy nie obowiązywała w tej dacie.",
    ProceedingClosed: "Postępowanie jest zakończone.",
    SignatureFromAccount: "Decyzję podpisuje zalogowana osoba upoważniona.",
    // care
    NotAssessed: "Najpierw zapisz ocenę potrzeb.",
    NoIncomeStatement: "Najpierw zapisz oświadczenie o dochodzie.",
    RosterExceedsGrant: "Harmonogram przekracza liczbę godzin przyznanych decyzją.",
    OutsidePeriod: "Data wykracza poza okres przyznania usług.",
    ActivityNotGranted: "Tej czynności nie przyznano w decyzji.",
    DocumentsMissing: "Brakuje dokumentów wymaganych do skierowania.",
    ReferralClosed: "Skierowanie jest zamknięte.",
    AssistantLimitReached: "Asystent ma już tyle rodzin, ile pozwala ośrodek.",
    NotGranted: "Usługi nie zostały jeszcze przyznane decyzją.",
    ServiceEnded: "Usługi zostały zakończone.",
    InvalidNumber: "Podaj liczbę.",
    // staff development and accounts
    NotEnrolled: "Ta osoba nie jest zapisana na szkolenie.",
    IncompleteAttendance: "Brakuje obecności na części zajęć.",
    EmployeeLeft: "Ta osoba już nie pracuje w ośrodku.",
    SpecialisationOutOfOrder: "Stopnie specjalizacji zdobywa się po kolei.",
    TrainingError: "Tego nie można zapisać dla szkolenia.",
    AccountExists: "Konto o takim loginie już istnieje.",
    WeakPassword: "Hasło jest za słabe — co najmniej 12 znaków."
  };

  function message(answer) {
    if (answer.message_pl) { return answer.message_pl; }  // the service's own Polish (a schema's refusal)
    return MESSAGES[answer.error] || (answer.message ? "Odmowa: " + answer.message : "Nie udało się.");
  }

  function resetIdle() {
    clearTimeout(idleTimer);
    var banner = document.getElementById("sesja");
    if (banner) { banner.hidden = true; }
    idleTimer = setTimeout(function () { if (banner) { banner.hidden = false; } }, IDLE_WARNING_MS);
  }

  function api(method, url, body, key) {
    resetIdle();
    var headers = { "Accept": "application/json" };
    if (body !== undefined) { headers["Content-Type"] = "application/json"; }
    if (csrf) { headers["X-CSRF-Token"] = csrf; }
    if (key) { headers["Idempotency-Key"] = key; }
    return fetch(url, { method: method, headers: headers, credentials: "same-origin",
                        body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (json) {
          return { ok: response.ok, status: response.status, json: json };
        });
      });
  }

  function setPath(target, path, value) {
    var parts = path.split("."), here = target;
    for (var i = 0; i < parts.length - 1; i++) { here = here[parts[i]] = here[parts[i]] || {}; }
    here[parts[parts.length - 1]] = value;
  }

  function isoDate(value) {  // DD.MM.RRRR as typed, or as it is
    return /^\d{2}\.\d{2}\.\d{4}$/.test(value) ? value.slice(6) + "-" + value.slice(3, 5) + "-" + value.slice(0, 2) : value;
  }

  // data-type="records" data-fields="name relation birth_date:date": one record a line, its fields in
  // that order separated by ";" (a field left empty is not sent; ":date" is read as a date field is).
  function records(text, names) {
    return text.split("\n").map(function (line) { return line.trim(); }).filter(Boolean).map(function (line) {
      var record = {}, parts = line.split(";");
      names.forEach(function (spec, i) {
        var name = spec.split(":")[0], part = (parts[i] || "").trim();
        if (part !== "") { record[name] = spec.split(":")[1] === "date" ? isoDate(part) : part; }
      });
      return record;
    });
  }

  function fields(form) {
    var body = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrf_token" || el.disabled) { return; }
      if (el.dataset.type === "records") {  // none is a list too: an empty one
        setPath(body, el.name, records(el.value, el.dataset.fields.split(/\s+/)));
        return;
      }
      if (el.type === "checkbox") {
        if (el.dataset.type === "bool") { setPath(body, el.name, el.checked); return; }
        var list = body[el.name] || (body[el.name] = []);
        if (el.checked) { list.push(el.value); }
        return;
      }
      if (el.type === "radio") { if (el.checked) { setPath(body, el.name, el.value); } return; }
      var value = el.value.trim();
      if (value === "" && !el.required) { return; }
      if (el.dataset.type === "date") { value = isoDate(value); }
      if (el.dataset.type === "list") { value = value.split(/\n|;/).map(function (v) { return v.trim(); }).filter(Boolean); }
      setPath(body, el.name, value);
    });
    return body;
  }

  function clearErrors(form) {
    form.querySelectorAll(".error").forEach(function (e) { e.remove(); });
    form.querySelectorAll("[aria-invalid]").forEach(function (e) { e.removeAttribute("aria-invalid"); });
  }

  function showError(form, answer) {
    // The field the refusal names, or the one holding it ("household.pesel": the household's lines).
    var name = answer.json.field || "", field = null;
    while (name && !(field = form.querySelector('[name="' + name + '"]'))) {
      name = name.indexOf(".") < 0 ? "" : name.slice(0, name.lastIndexOf("."));
    }
    var text = document.createElement("p");
    text.className = "error";
    text.setAttribute("role", "alert");
    text.id = "blad-" + Math.random().toString(36).slice(2);
    text.textContent = message(answer.json);
    if (MESSAGES[answer.json.error] && answer.json.message) {  // the service's own words say which, how much
      var detail = document.createElement("span");
      detail.className = "detail";
      detail.textContent = " (" + answer.json.message + ")";
      text.appendChild(detail);
    }
    if (field) {
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-describedby", text.id);
      field.insertAdjacentElement("afterend", text);
      field.focus();
    } else {
      (form.querySelector("[data-errors]") || form).prepend(text);
    }
  }

  // One key per command: a form sent again as it was (its answer lost) carries the same key, so the
  // service answers as the first time and does nothing twice; changed, or once done, a new one.
  function commandKey(form, body) {
    var sent = JSON.stringify(body);
    if (form.dataset.sent !== sent) {
      var bytes = crypto.getRandomValues(new Uint8Array(16));
      form.dataset.key = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
      form.dataset.sent = sent;
    }
    return form.dataset.key;
  }

  function fill(template, json) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return encodeURIComponent(json[key] || ""); });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.dataset.api) { return; }
    event.preventDefault();
    clearErrors(form);
    var body = fields(form);
    api(form.dataset.method || "POST", form.dataset.api, body, commandKey(form, body)).then(function (answer) {
      if (!answer.ok) { showError(form, answer); return; }
      delete form.dataset.sent;  // done: the next command gets a key of its own
      var then = form.dataset.then;
      if (then === "reload" || !then) { window.location.reload(); return; }
      if (then === "stay") {
        form.reset();
        var done = form.querySelector("[data-done]");
        if (done) { done.textContent = form.dataset.done || "Zapisano."; }
        refreshAll();
        return;
      }
      window.location.assign(fill(then, answer.json));
    }, function () {  // the answer was lost on the way: sent again unchanged, it carries the same key
      showError(form, { json: { error: "NoAnswer" } });
    });
  });

  document.addEventListener("click", function (event) {
    if (event.target.matches("[data-keep-alive]")) { api("GET", "/api/me"); }
  });

  // --- the live stream -------------------------------------------------------------------
  var regions = [];

  function refresh(region) {
    var before = {};
    region.querySelectorAll("[data-id]").forEach(function (row) { before[row.dataset.id] = true; });
    return fetch(region.dataset.fragment, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        region.innerHTML = html;
        region.querySelectorAll("[data-id]").forEach(function (row) {
          if (!before[row.dataset.id]) {  // the first rendering was the page's own: anything else is new
            row.classList.add("new");
            var badge = document.createElement("span");
            badge.className = "new-badge";
            badge.textContent = "nowa";
            (row.querySelector("td, li") || row).appendChild(badge);
          }
        });
      });
  }

  function refreshAll() { regions.forEach(refresh); }

  function live() {
    if (!document.body.dataset.live || !window.EventSource) { return; }
    regions = Array.prototype.slice.call(document.querySelectorAll("[data-live-types]"));
    var types = (document.querySelector('meta[name="event-types"]') || { content: "" }).content.split(" ");
    var banner = document.getElementById("polaczenie");
    var lost = false;
    var source = new EventSource("/events");
    window.opsEvents = [];
    source.onopen = function () {
      if (lost) {
        banner.textContent = "Połączenie na żywo przywrócone.";
        banner.className = "banner";
        banner.hidden = false;
        setTimeout(function () { banner.hidden = true; }, 4000);
        refreshAll();
      }
      lost = false;
    };
    source.onerror = function () {
      lost = true;
      // Closed for good: the server refused to resume (the session ended), the browser will not retry.
      banner.textContent = source.readyState === EventSource.CLOSED
        ? "Sesja zakończona — zaloguj się ponownie."
        : "Utracono połączenie na żywo — ponawiam… Dane mogą być nieaktualne.";
      banner.className = "banner lost";
      banner.hidden = false;
    };
    function received(event) {
      window.opsEvents.push({ type: event.type, id: event.lastEventId, data: event.data });
      regions.forEach(function (region) {
        if (region.dataset.liveTypes.split(" ").indexOf(event.type) >= 0) { refresh(region); }
      });
    }
    types.forEach(function (type) { if (type) { source.addEventListener(type, received); } });
    ["resume"].forEach(function (type) {
      source.addEventListener(type, function () { source.close(); setTimeout(live, 500); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { resetIdle(); live(); });
})();
