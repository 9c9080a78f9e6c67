import { ApiClient } from './api/api-client.js';
import { h, replaceContent } from './ui/dom.js';
import { STYLES } from './ui/styles.js';
import { eventsView } from './views/events-view.js';
import { overviewView } from './views/overview-view.js';
import { podsView } from './views/pods-view.js';
import { servicesView } from './views/services-view.js';
import { usageView } from './views/usage-view.js';
import { type View, ViewContext } from './views/view-context.js';
import { workloadsView } from './views/workloads-view.js';

/** The views in tab order: a `View` added here gets its tab, its route (`#/<id>`) and the shared watches. */
const views: View[] = [overviewView, workloadsView, podsView, usageView, servicesView, eventsView];

const TOKEN_KEY = 'flotilla-dashboard-token';
const THEME_KEY = 'flotilla-dashboard-theme';

/**
 * The viewer's bearer token: given once in the fragment (`#token=...`, which
 * never reaches a server or its logs), then kept for this tab only.
 */
function takeToken(): string | undefined {
  const m = /^#token=([^&]+)/.exec(location.hash);
  if (m) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(m[1]));
    history.replaceState(null, '', `${location.pathname}${location.search}#/${views[0].id}`);
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

function applyTheme(theme: string | null): void {
  if (theme === 'light' || theme === 'dark') document.documentElement.dataset.theme = theme;
  else delete document.documentElement.dataset.theme;
}

function boot(): void {
  document.head.appendChild(h('style', {}, STYLES));
  applyTheme(localStorage.getItem(THEME_KEY));
  const apiBase = document.querySelector<HTMLMetaElement>('meta[name="flotilla-api"]')?.content ?? '';
  const ctx = new ViewContext(new ApiClient(apiBase, takeToken(), location.href));
  const main = h('main', { id: 'view', tabindex: -1 });
  const tabs = views.map((v) => h('a', { href: `#/${v.id}`, 'data-view': v.id }, v.title));
  const themeButton = h('button', { type: 'button', id: 'theme' }, 'Theme');
  themeButton.addEventListener('click', () => {
    const dark =
      document.documentElement.dataset.theme === 'dark' ||
      (!document.documentElement.dataset.theme && matchMedia('(prefers-color-scheme: dark)').matches);
    const next = dark ? 'light' : 'dark';
    localStorage.setItem(THEME_KEY, next);
    applyTheme(next);
    themeButton.setAttribute('aria-label', `Theme: ${next}; switch`);
  });
  const signOut = h('button', { type: 'button' }, 'Forget token');
  signOut.addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    location.reload();
  });
  replaceContent(
    document.body,
    h(
      'header',
      {},
      h('h1', {}, 'Flotilla'),
      h('nav', { 'aria-label': 'Views' }, tabs),
      h('span', { class: 'spacer' }),
      themeButton,
      sessionStorage.getItem(TOKEN_KEY) ? signOut : false,
    ),
    main,
    h('div', { id: 'notices', 'aria-live': 'polite' }),
  );

  let unmount = () => {};
  const route = () => {
    const view = views.find((v) => `#/${v.id}` === location.hash) ?? views[0];
    for (const tab of tabs) {
      if (tab.dataset.view === view.id) tab.setAttribute('aria-current', 'page');
      else tab.removeAttribute('aria-current');
    }
    unmount();
    main.replaceChildren();
    document.title = `${view.title} · Flotilla`;
    unmount = view.mount(main, ctx);
  };
  window.addEventListener('hashchange', route);
  route();
}

boot();
