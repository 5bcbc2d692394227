// The shop in a real browser: Debian's Chromium driven by playwright-core, every page
// checked by axe-core (no serious or critical violation), against the shipped oms-api.
// Run by tests/shop_browser.rs, which starts the server on a fresh database and gives:
//   BASE_URL          the server's address (http://127.0.0.1:PORT)
//   ADMIN_TOKEN       an administrator's session token (to play the other customer)
//   PAYMENT_SECRET    the test card processor's secret (to play its callback)
//   MAIL_DIR          where the server writes its emails
//   SCREENSHOT_DIR    where to keep the main pages' screenshots (optional)
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync, readdirSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const BASE = process.env.BASE_URL;
const ADMIN_TOKEN = process.env.ADMIN_TOKEN;
const SECRET = process.env.PAYMENT_SECRET;
const MAIL_DIR = process.env.MAIL_DIR;
const SHOTS = process.env.SCREENSHOT_DIR || '';
assert.ok(BASE && ADMIN_TOKEN && SECRET && MAIL_DIR, 'BASE_URL, ADMIN_TOKEN, PAYMENT_SECRET and MAIL_DIR are needed');
const AXE = readFileSync(join(here, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const PASSWORD = 'un secret assez long';

const checked = [];
let passed = 0;
let failed = 0;

/** axe-core on the page as it is: no serious or critical violation. Keeps a screenshot
 *  at desktop and phone width when `shot` names it. */
async function check(page, name, shot = false) {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
    [],
    `axe on ${name} (${page.url()})`,
  );
  checked.push(name);
  if (shot && SHOTS) {
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, `${name}-ordinateur.png`), fullPage: true });
    await page.setViewportSize(PHONE);
    await page.screenshot({ path: join(SHOTS, `${name}-telephone.png`), fullPage: true });
    await page.setViewportSize(DESKTOP);
  }
}

async function api(method, path, body, headers = {}) {
  const response = await fetch(BASE + path, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}`, ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

/** The test card processor confirms the order's pending card payment, as it would. */
async function processorConfirms(number) {
  const { json } = await api('GET', `/api/v1/orders/${number}/payments`);
  const pending = json.payments.find((p) => p.status === 'pending');
  assert.ok(pending, `a pending payment on ${number}: ${JSON.stringify(json)}`);
  const body = JSON.stringify({ reference: pending.provider_reference, status: 'succeeded' });
  const signature = createHmac('sha256', SECRET).update(body).digest('hex');
  const answer = await fetch(`${BASE}/api/v1/payments/callbacks/test_card`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-payment-signature': signature },
    body,
  });
  assert.equal(answer.status, 200, 'the callback is acknowledged');
}

async function visit(browser) {
  const context = await browser.newContext({ viewport: DESKTOP, locale: 'fr-FR' });
  const page = await context.newPage();
  return { context, page };
}

async function signUp(page, first, email) {
  await page.getByLabel('Prénom').fill(first);
  await page.getByLabel('Nom', { exact: true }).fill('Martin');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Adresse', { exact: true }).fill('12 rue de la Forge');
  await page.getByLabel('Code postal').fill('69003');
  await page.getByLabel('Ville').fill('Lyon');
  await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Confirmation du mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Créer mon compte' }).click();
}

async function logIn(page, email) {
  await page.goto(BASE + '/connexion');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByText('Vous êtes connecté.').waitFor();
}

/** From the cart to the summary, the default addresses kept. */
async function throughTheSteps(page, shots) {
  await page.getByRole('heading', { name: 'Livraison' }).waitFor();
  await check(page, 'livraison', shots);
  await page.getByRole('button', { name: 'Continuer' }).click();
  await page.getByRole('heading', { name: 'Facturation' }).waitFor();
  await check(page, 'facturation');
  await page.getByRole('button', { name: 'Continuer' }).click();
  await page.getByRole('heading', { name: 'Récapitulatif de votre commande' }).waitFor();
  await check(page, 'recapitulatif', shots);
}

function orderNumberOf(url) {
  const match = /\/commandes\/([A-Z]+-\d+)/.exec(url);
  assert.ok(match, `an order's address: ${url}`);
  return match[1];
}

const state = {};

const scenarios = [
  ['a new customer: search, article, cart, account, checkout, a declined card, then paid, documents and emails', async (browser) => {
    const { context, page } = await visit(browser);
    await page.goto(BASE + '/');
    await page.getByRole('heading', { name: 'Catalogue' }).waitFor();
    await check(page, 'catalogue', true);
    await page.getByLabel('Rechercher un article').fill('VIS boite');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await page.getByText('1 article pour « VIS boite »').waitFor();
    await page.getByRole('link', { name: 'Vis M6 x 40, boîte de 100' }).click();
    await page.getByRole('heading', { name: 'Vis M6 x 40, boîte de 100' }).waitFor();
    await check(page, 'article', true);
    await page.getByLabel('Quantité').fill('3');
    await page.getByRole('button', { name: /Ajouter au panier/ }).click();
    await page.getByText('L’article a été ajouté à votre panier.').waitFor();
    // 3 x 8.90 = 26.70 HT, VAT 20 % 5.34, 32.04 TTC.
    await page.getByText('32,04').first().waitFor();
    await check(page, 'panier', true);
    await page.getByRole('link', { name: 'Passer la commande' }).click();
    await page.getByRole('heading', { name: 'Qui êtes-vous ?' }).waitFor();
    await check(page, 'qui-etes-vous', true);
    await page.getByRole('link', { name: 'Créer un compte' }).last().click();
    await check(page, 'inscription');
    await signUp(page, 'Alice', 'alice@example.fr');
    await throughTheSteps(page, true);
    await page.getByRole('button', { name: 'Confirmer la commande' }).click();
    await page.getByRole('heading', { name: /Paiement de la commande/ }).waitFor();
    const number = orderNumberOf(page.url());
    await check(page, 'paiement', true);
    await page.getByLabel('Numéro de carte').fill('4000 0000 0000 0002');
    await page.getByRole('button', { name: /^Payer/ }).click();
    await page.getByText('Le paiement a été refusé. Motif : card declined.').waitFor();
    await check(page, 'paiement-refuse', true);
    await page.getByLabel('Numéro de carte').fill('4242 4242 4242 4242');
    await page.getByRole('button', { name: /^Payer/ }).click();
    await page.getByText('sa confirmation par la banque est en cours').waitFor();
    assert.equal(orderNumberOf(page.url()), number);
    await processorConfirms(number);
    // The outbox worker issues the invoice and sends the emails.
    let invoice = null;
    for (let i = 0; i < 100 && !invoice; i++) {
      await page.reload();
      invoice = await page.getByRole('link', { name: /^Facture / }).getAttribute('href', { timeout: 100 }).catch(() => null);
      if (!invoice) await page.waitForTimeout(100);
    }
    assert.ok(invoice, 'the invoice is offered for download');
    await page.getByText('Paiement : Payée').waitFor();
    await check(page, 'commande', true);
    const pdf = await page.request.get(BASE + invoice);
    assert.equal(pdf.status(), 200);
    assert.equal((await pdf.body()).subarray(0, 4).toString(), '%PDF');
    const note = await page.request.get(`${BASE}/commandes/${number}/bon-de-livraison.pdf`);
    assert.equal((await note.body()).subarray(0, 4).toString(), '%PDF');
    let mails = [];
    for (let i = 0; i < 100; i++) {
      mails = readdirSync(MAIL_DIR, { recursive: true }).filter((f) => String(f).endsWith('.eml'))
        .map((f) => readFileSync(join(MAIL_DIR, String(f)), 'utf8'))
        .filter((m) => m.includes(number) && m.includes('alice@example.fr'));
      if (mails.length > 0) break;
      await page.waitForTimeout(100);
    }
    assert.ok(mails.length > 0, `an email about ${number} to alice@example.fr is written`);
    await page.goto(BASE + '/commandes');
    await page.getByRole('link', { name: number }).waitFor();
    await check(page, 'mes-commandes', true);
    await page.goto(BASE + '/compte');
    await page.getByText('12 rue de la Forge').waitFor();
    await check(page, 'mon-compte');
    state.aliceOrder = number;
    state.aliceInvoice = invoice;
    // Something for the next visit, then gone.
    await page.goto(BASE + '/article/GANTS-T9');
    await page.getByLabel('Quantité').fill('2');
    await page.getByRole('button', { name: /Ajouter au panier/ }).click();
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.getByText('Vous êtes déconnecté.').waitFor();
    await context.close();
  }],

  ['a guest from the catalogue to a paid order, the emails written, the invoice downloaded from the emailed link', async (browser) => {
    const { context, page } = await visit(browser);
    await page.goto(BASE + '/?q=casque');
    await page.getByRole('button', { name: /Ajouter au panier/ }).first().click();
    await page.getByText('L’article a été ajouté à votre panier.').waitFor();
    await page.getByRole('link', { name: 'Passer la commande' }).click();
    await page.getByRole('link', { name: 'Commander sans compte' }).click();
    await page.getByRole('heading', { name: 'Commander sans compte' }).waitFor();
    await check(page, 'commande-sans-compte', true);
    await page.getByLabel('Prénom').fill('Léa');
    await page.getByLabel('Nom', { exact: true }).fill('Invitée');
    await page.getByLabel('E-mail').fill('lea@example.fr');
    await page.getByLabel('Téléphone mobile').fill('06 12 34 56 78');
    await page.getByLabel('Adresse', { exact: true }).fill('8 place du Marché');
    await page.getByLabel('Code postal', { exact: true }).fill('31000');
    await page.getByLabel('Ville', { exact: true }).fill('Toulouse');
    await page.getByRole('button', { name: 'Confirmer la commande' }).click();
    await page.getByRole('heading', { name: /Paiement de la commande/ }).waitFor();
    const number = orderNumberOf(page.url());
    await page.getByLabel('Numéro de carte').fill('4242 4242 4242 4242');
    await page.getByRole('button', { name: /^Payer/ }).click();
    await page.getByText('sa confirmation par la banque est en cours').waitFor();
    await processorConfirms(number);
    await context.close();
    // The link of the email, in another browser.
    let link = null;
    for (let i = 0; i < 100 && !link; i++) {
      for (const file of readdirSync(MAIL_DIR, { recursive: true }).filter((f) => String(f).endsWith('.eml'))) {
        const text = readFileSync(join(MAIL_DIR, String(file)), 'utf8').replace(/=\r?\n/g, '');
        const found = /\/acces\/(oms_[0-9a-f]+)/.exec(text);
        if (found && text.includes('lea@example.fr')) link = `/acces/${found[1]}`;
      }
      if (!link) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(link, 'the email with the link to the order is written');
    const later = await visit(browser);
    await later.page.goto(BASE + link);
    await later.page.getByRole('link', { name: number }).click();
    let invoice = null;
    for (let i = 0; i < 100 && !invoice; i++) {
      await later.page.reload();
      invoice = await later.page.getByRole('link', { name: /^Facture / }).getAttribute('href', { timeout: 100 }).catch(() => null);
      if (!invoice) await later.page.waitForTimeout(100);
    }
    assert.ok(invoice, 'the invoice is offered from the emailed link');
    await later.page.getByText('Paiement : Payée').waitFor();
    const pdf = await later.page.request.get(BASE + invoice);
    assert.equal((await pdf.body()).subarray(0, 4).toString(), '%PDF');
    const confirmation = readdirSync(MAIL_DIR, { recursive: true }).filter((f) => String(f).endsWith('.eml'))
      .map((f) => readFileSync(join(MAIL_DIR, String(f)), 'utf8'))
      .filter((m) => m.includes('lea@example.fr') && m.includes(number));
    assert.ok(confirmation.length >= 2, `the confirmation and the link are emailed (${confirmation.length})`);
    await later.context.close();
  }],

  ['a returning customer finds the cart kept, and a link fills it', async (browser) => {
    const { context, page } = await visit(browser);
    await logIn(page, 'alice@example.fr');
    await page.goto(BASE + '/panier');
    await page.getByRole('link', { name: 'Gants de manutention, taille 9' }).waitFor();
    await page.goto(BASE + '/panier/remplir?articles=CASQUE-CH:1,LIVRE-BRICO:2');
    await page.getByText('2 × Le guide du bricolage (livre)').waitFor();
    await check(page, 'lien-panier', true);
    await page.getByRole('button', { name: 'Ajouter au panier' }).click();
    await page.getByText('Les articles du lien ont été ajoutés à votre panier.').waitFor();
    for (const name of ['Gants de manutention, taille 9', 'Casque de chantier', 'Le guide du bricolage (livre)']) {
      await page.getByRole('link', { name }).waitFor();
    }
    // Removing a line, changing a quantity.
    await page.getByRole('button', { name: 'Retirer Casque de chantier' }).click();
    await page.getByText('L’article a été retiré du panier.').waitFor();
    await page.getByLabel('Quantité de Gants de manutention, taille 9').fill('4');
    await page.getByRole('button', { name: 'Modifier la quantité de Gants de manutention, taille 9' }).click();
    await page.getByText('La quantité a été modifiée.').waitFor();
    await check(page, 'panier-modifie');
    await context.close();
  }],

  ['short stock at confirm: the article named with what is left, the order goes on with it', async (browser) => {
    const { context, page } = await visit(browser);
    await logIn(page, 'alice@example.fr');
    await page.goto(BASE + '/article/SAC-CIMENT');
    await page.getByLabel('Quantité').fill('3');
    await page.getByRole('button', { name: /Ajouter au panier/ }).click();
    await page.getByRole('link', { name: 'Passer la commande' }).click();
    await throughTheSteps(page, false);
    // Another sale takes two of the three sacks meanwhile.
    const adjusted = await api('POST', '/api/v1/articles/SAC-CIMENT/stock-adjustments', { delta: -2, reason: 'vente au comptoir' });
    assert.equal(adjusted.status, 200, JSON.stringify(adjusted.json));
    await page.getByRole('button', { name: 'Confirmer la commande' }).click();
    await page.getByRole('heading', { name: 'Stock insuffisant' }).waitFor();
    await page.getByText('vous en demandez 3, il n’en reste que 1').waitFor();
    await check(page, 'stock-insuffisant', true);
    await page.getByRole('button', { name: 'Commander avec les quantités disponibles' }).click();
    await page.getByRole('heading', { name: /Paiement de la commande/ }).waitFor();
    const number = orderNumberOf(page.url());
    const order = await api('GET', `/api/v1/orders/${number}`);
    const references = order.json.lines.map((l) => l.reference);
    assert.ok(!references.includes('SAC-CIMENT'), `the sacks below the minimum are dropped: ${references}`);
    assert.ok(references.includes('GANTS-T9'));
    await context.close();
  }],

  ['another customer cannot open Alice’s order or documents, and a form without its token is refused', async (browser) => {
    const { context, page } = await visit(browser);
    await page.goto(BASE + '/inscription');
    await signUp(page, 'Bruno', 'bruno@example.fr');
    await page.getByText('Votre compte est créé, vous êtes connecté.').waitFor();
    const order = await page.goto(`${BASE}/commandes/${state.aliceOrder}`);
    assert.equal(order.status(), 404);
    await page.getByRole('heading', { name: 'Page introuvable' }).waitFor();
    await check(page, 'introuvable', true);
    for (const path of [state.aliceInvoice, `/commandes/${state.aliceOrder}/bon-de-livraison.pdf`, `/commandes/${state.aliceOrder}/paiement`]) {
      const answer = await page.request.get(BASE + path);
      assert.equal(answer.status(), 404, path);
    }
    await page.goto(BASE + '/');
    await page.evaluate(() => document.querySelector('form[action="/panier/ajouter"] input[name=csrf]').remove());
    await page.getByRole('button', { name: /Ajouter au panier/ }).first().click();
    await page.getByRole('heading', { name: 'Action refusée' }).waitFor();
    await check(page, 'formulaire-refuse');
    await page.goto(BASE + '/panier');
    await page.getByText('Votre panier est vide.').waitFor();
    await context.close();
  }],
];

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  for (const [name, run] of scenarios) {
    try {
      await run(browser);
      passed += 1;
      console.log(`ok - ${name}`);
    } catch (err) {
      failed += 1;
      console.log(`not ok - ${name}\n${err && err.stack ? err.stack : err}`);
      break;
    }
  }
} finally {
  await browser.close();
}
console.log(`pages checked by axe-core: ${checked.join(', ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed === scenarios.length ? 0 : 1);
