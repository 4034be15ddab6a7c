/**
 * Words of the crisis controls (action bar, holding statements, call tree) in each locale the
 * site has. A page and its translation are generated from the same template, so the language
 * switcher never leads to a missing page.
 */

export type SiteLang = 'en' | 'pl';

/** URL prefix of a locale (`''` for English at the root, `/pl` for Polish). */
export const LANG_PREFIX: Record<SiteLang, string> = { en: '', pl: '/pl' };

/**
 * `getStaticPaths` entries for a page that exists in every locale (`[...lang]` route). A new list
 * on every call: Astro keeps (and may change) what a route's getStaticPaths returns.
 */
export function langPaths(): { params: { lang: string | undefined }; props: { lang: SiteLang } }[] {
  return [{ params: { lang: undefined }, props: { lang: 'en' } }, { params: { lang: 'pl' }, props: { lang: 'pl' } }];
}

export const CRISIS_WORDS = {
  en: {
    bar: 'Crisis controls',
    freezeNow: 'Freeze now',
    freezeHint: 'opens the “Freeze publishing” form on GitHub',
    thaw: 'Thaw',
    thawHint: 'close the freeze issue, or run the freeze workflow with “thaw”',
    holding: 'Holding statements',
    callTree: 'Call tree',
    noRepo: ['One-tap Freeze buttons need the repository: set', 'repository: owner/name', 'in copydesk.config.yaml (or build the site in GitHub Actions). Until then, freeze with', 'copydesk freeze --reason "…"'],
    holdingTitle: 'Holding statements',
    holdingDescription: 'Short posts approved in calm times, sent in minutes during an incident, even while publishing is frozen.',
    holdingIntro: 'Each statement was reviewed like any post and can be sent at most once. The owner (or the backup) says “go”; then press “Send this statement”, pick it in the list and run the workflow. Try it with “dry run” first if unsure.',
    useWhen: 'When to use it',
    notDescribed: 'Not described yet: add a row for it to playbook/holding/README.md.',
    text: 'Text, as each network receives it',
    send: 'Send this statement',
    sendHint: 'opens the “holding statement” workflow: Run workflow → choose',
    sendLocal: 'From a laptop:',
    sentOn: 'Already sent on',
    notSent: 'Not sent yet.',
    networks: 'Networks',
    none: 'No holding statement exists yet. Add one in playbook/holding/ in a pull request.',
    rosterTitle: 'Team and call tree',
    rosterDescription: 'Who is called, in which order, when something goes wrong.',
    rosterIntro: 'Call, do not message. Go down the list until someone answers; ten minutes without an answer means the next person.',
    rosterEmpty: 'No roster yet: add `roster:` to copydesk.config.yaml with each person’s name and role (owner, backup, schedule, admin, member).',
    roles: { owner: 'Owner: decides', backup: 'Backup: decides when the owner is unreachable', schedule: 'Schedule owner: freezes and re-reads the queue', admin: 'Repository admin: access, hacked accounts, leaked tokens', member: 'Team' },
    contact: 'How to reach',
    github: 'GitHub',
    step: (n: number) => `Call ${n}`,
  },
  pl: {
    bar: 'Sterowanie kryzysowe',
    freezeNow: 'Zamroź teraz',
    freezeHint: 'otwiera formularz „Freeze publishing” na GitHubie',
    thaw: 'Odmroź',
    thawHint: 'zamknij zgłoszenie zamrożenia albo uruchom workflow freeze z opcją „thaw”',
    holding: 'Oświadczenia wstępne',
    callTree: 'Drzewo telefonów',
    noRepo: ['Przyciski „Zamroź” wymagają repozytorium: ustaw', 'repository: właściciel/nazwa', 'w copydesk.config.yaml (albo buduj stronę w GitHub Actions). Do tego czasu zamrażaj poleceniem', 'copydesk freeze --reason "…"'],
    holdingTitle: 'Oświadczenia wstępne',
    holdingDescription: 'Krótkie posty zatwierdzone w spokojnych czasach, wysyłane w kilka minut podczas incydentu, nawet gdy publikacja jest zamrożona.',
    holdingIntro: 'Każde oświadczenie przeszło przegląd jak zwykły post i może wyjść najwyżej raz. Właściciel (lub zastępca) mówi „tak”; potem naciśnij „Wyślij to oświadczenie”, wybierz je z listy i uruchom workflow. W razie wątpliwości najpierw z opcją „dry run”.',
    useWhen: 'Kiedy go użyć',
    notDescribed: 'Brak opisu: dodaj wiersz w playbook/holding/README.md.',
    text: 'Tekst, tak jak otrzyma go każda sieć',
    send: 'Wyślij to oświadczenie',
    sendHint: 'otwiera workflow „holding statement”: Run workflow → wybierz',
    sendLocal: 'Z komputera:',
    sentOn: 'Już wysłane w',
    notSent: 'Jeszcze nie wysłane.',
    networks: 'Sieci',
    none: 'Nie ma jeszcze żadnego oświadczenia. Dodaj je w playbook/holding/ w pull requeście.',
    rosterTitle: 'Zespół i drzewo telefonów',
    rosterDescription: 'Do kogo dzwonimy i w jakiej kolejności, gdy coś idzie źle.',
    rosterIntro: 'Dzwoń, nie pisz. Idź w dół listy, aż ktoś odbierze; dziesięć minut bez odpowiedzi oznacza następną osobę.',
    rosterEmpty: 'Brak listy zespołu: dodaj `roster:` w copydesk.config.yaml z imieniem i rolą każdej osoby (owner, backup, schedule, admin, member).',
    roles: { owner: 'Właściciel: decyduje', backup: 'Zastępca: decyduje, gdy właściciel jest nieosiągalny', schedule: 'Osoba od harmonogramu: zamraża i czyta kolejkę od nowa', admin: 'Administrator repozytorium: dostępy, przejęte konta, wycieki haseł', member: 'Zespół' },
    contact: 'Jak się skontaktować',
    github: 'GitHub',
    step: (n: number) => `Telefon ${n}`,
  },
} as const;

export function langOf(value: string | undefined): SiteLang {
  return value === 'pl' ? 'pl' : 'en';
}
