/**
 * Messages as shops, carriers, banks and clinics send them: short Dutch and English GSM-7 texts,
 * texts that turn UCS-2 through one accent or curly quote, emoji, and long multi-part texts.
 * Every message fits the producer's default of 10 segments.
 */

const gsmShort = [
  "Uw pakket wordt vandaag tussen 14:00 en 16:00 bezorgd. Volg het via https://example.nl/t/8KQ2M",
  "Je verificatiecode is 482913. Deel deze code met niemand.",
  "Herinnering: uw afspraak bij de tandarts is morgen om 09:30. Afmelden? Bel 020-1234567.",
  "Your order #10482 has shipped and will arrive on Thursday.",
  "Your login code is 731842. It expires in 10 minutes.",
  "Beste klant, uw factuur van EUR 49,95 is betaald. Dank u wel!",
  "De monteur komt morgen tussen 8:00 en 12:00. Zorg dat er iemand thuis is.",
  "Reminder: your table for 4 at De Kas is booked for Friday 19:00.",
  "Let op: uw wachtwoord is gewijzigd. Was u dit niet? Neem direct contact met ons op.",
  "Hoi! Je bestelling ligt klaar bij het afhaalpunt aan de Markt 12 in Utrecht.",
  "Storing opgelost: de stroom in uw wijk is sinds 15:42 weer hersteld.",
  "Prijs: 12,50 € per maand, eerste maand gratis. Stop met STOP naar 4411.",
  "Code {A7} ontvangen [ok] - antwoord met JA of NEE | info: www.example.nl/~help",
  "Je rit met kenteken XG-123-B staat om 17:05 voor de deur.",
];

const ucs2 = [
  "Uw afspraak in het ziekenhuis in België is verplaatst naar maandag 10:15.",
  "Bedankt voor je ideeën! We nemen binnen twee werkdagen contact met je op.",
  "Ons café is vandaag gesloten wegens een privéfeest. Morgen zijn we er weer!",
  "“Uw pakket is onderweg” – bezorging vandaag tussen 18:00 en 21:00…",
  "Ça va? Your reservation at Hôtel Lumière is confirmed for 2 nights.",
  "Gefeliciteerd met je verjaardag! 🎉 Je krijgt 20% korting op je volgende bestelling.",
  "Je bestelling is bezorgd 📦 Tevreden? Laat een review achter 👍🏽",
  "Goal! Ajax 2 – 1 PSV ⚽️ Volg de wedstrijd live in de app.",
  "Groeten uit Zürich 🇨🇭 De conferentie begint om 9:00 in zaal 3.",
  "Je hebt 3 nieuwe berichten 💬 van Anaïs en Zoë.",
  "Bonjour ! Votre colis arrive demain entre 8h et 12h. Suivi : example.fr/c/42",
  "Paiement reçu: 129,00 € — merci pour votre confiance. Référence: 2024-0815.",
];

const paragraph =
  "Beste klant, hartelijk dank voor uw bestelling bij onze webwinkel. Wij hebben uw betaling in goede orde ontvangen en uw bestelling wordt vandaag nog ingepakt. ";
const paragraphEn =
  "Dear customer, thank you for your order. We received your payment and your parcel will be packed and handed to the carrier today, so it should arrive within two working days. ";

const long = [
  paragraph.repeat(2),
  paragraphEn.repeat(3),
  `${paragraph.repeat(5)}Met vriendelijke groet, het klantenteam.`,
  `${paragraphEn.repeat(7)}Kind regards, the support team.`,
  `${paragraph.repeat(3)}Vragen? Bel ons op werkdagen tussen 9:00 en 17:00 😊`,
  `Één moment geduld: ${paragraph.repeat(2)}Tot ziens! 👋🏼`,
  "Goedemorgen! ".repeat(90),
];

/** The whole corpus, in a fixed order. */
export const CORPUS = Object.freeze([...gsmShort, ...ucs2, ...long]);

/** Messages that go out in one API request (at most 1000 UTF-16 code units). */
export const SINGLE_REQUEST_CORPUS = Object.freeze(CORPUS.filter((text) => text.length <= 1000));

/**
 * The i-th Dutch mobile number, in E.164 (`+316…`): the form the API and the job data use.
 * @param {number} index
 * @returns {string}
 */
export function mobileNumber(index) {
  return `+3161${String(index % 10_000_000).padStart(7, "0")}`;
}

/**
 * The same number as a person might type it, in one of several notations, for the producer
 * to normalize.
 * @param {number} index
 * @returns {string}
 */
export function typedMobileNumber(index) {
  const digits = String(index % 10_000_000).padStart(7, "0");
  switch (index % 4) {
    case 0:
      return `061${digits}`;
    case 1:
      return `06 1${digits.slice(0, 3)} ${digits.slice(3)}`;
    case 2:
      return `+31 (0)6-1${digits}`;
    default:
      return `00316 1${digits}`;
  }
}

/**
 * The i-th message of the corpus, wrapping around.
 * @param {readonly string[]} corpus
 * @param {number} index
 * @returns {string}
 */
export function messageAt(corpus, index) {
  return /** @type {string} */ (corpus[index % corpus.length]);
}
