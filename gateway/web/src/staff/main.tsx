// The staff pages at /staff: the conversions dashboard and the operations pages, one app with a nav.
// Staff and admins see every page; a channel manager sees the dashboard, events, people, follow-ups,
// payouts and channels — and the server answers them only with their own channels' data.
import '../common/styles.css';
import './staff.css';
import type { FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { auth } from '../common/api.ts';
import { Header, startApp } from '../common/app-shell.tsx';
import { AuthForms, useSession } from '../common/auth-ui.tsx';
import { CatalogPage } from './catalog.tsx';
import { tk } from './catalog-messages.ts';
import { ChannelsPage } from './channels.tsx';
import { AlertRulesPage, ClinicsPage } from './clinics.tsx';
import { Dashboard } from './dashboard.tsx';
import { DevicesPage } from './devices.tsx';
import { EventsPage } from './events.tsx';
import { ExpertPage } from './expert.tsx';
import { tx } from './experts-messages.ts';
import { FollowUpsPage } from './follow-ups.tsx';
import { tf } from './follow-ups-messages.ts';
import { GoalsPage } from './goals.tsx';
import { tg } from './goals-messages.ts';
import { KnowledgePage } from './knowledge.tsx';
import { tn } from './knowledge-messages.ts';
import { ts } from './messages.ts';
import { MessagesPage } from './messages-log.tsx';
import { tm } from './messages-log-messages.ts';
import { OrdersPage } from './orders.tsx';
import { PayoutsPage } from './payouts.tsx';
import { PeoplePage } from './people.tsx';
import { SessionsPage } from './sessions.tsx';

interface Route {
  path: string;
  label: () => string;
  page: FunctionComponent;
  /** Roles that see the page. */
  roles: string[];
}

const ALL = ['staff', 'admin', 'channel_manager'];
const STAFF = ['staff', 'admin'];
const ROUTES: Route[] = [
  { path: '/staff', label: () => ts('navDashboard'), page: Dashboard, roles: ALL },
  { path: '/staff/orders', label: () => ts('navOrders'), page: OrdersPage, roles: STAFF },
  { path: '/staff/events', label: () => ts('navEvents'), page: EventsPage, roles: ALL },
  { path: '/staff/devices', label: () => ts('navDevices'), page: DevicesPage, roles: STAFF },
  { path: '/staff/people', label: () => ts('navPeople'), page: PeoplePage, roles: ALL },
  { path: '/staff/follow-ups', label: () => tf('navFollowUps'), page: FollowUpsPage, roles: ALL },
  { path: '/staff/payouts', label: () => ts('navPayouts'), page: PayoutsPage, roles: ALL },
  { path: '/staff/channels', label: () => ts('navChannels'), page: ChannelsPage, roles: ALL },
  { path: '/staff/catalog', label: () => tk('navCatalog'), page: CatalogPage, roles: STAFF },
  { path: '/staff/sessions', label: () => tk('navSessions'), page: SessionsPage, roles: STAFF },
  { path: '/staff/goals', label: () => tg('navGoals'), page: GoalsPage, roles: STAFF },
  { path: '/staff/clinics', label: () => tx('navClinics'), page: ClinicsPage, roles: STAFF },
  { path: '/staff/alerts', label: () => tx('navAlerts'), page: AlertRulesPage, roles: STAFF },
  { path: '/staff/expert', label: () => tx('navExpert'), page: ExpertPage, roles: ['expert'] },
  { path: '/staff/messages', label: () => tm('navMessages'), page: MessagesPage, roles: STAFF },
  { path: '/staff/knowledge', label: () => tn('navKnowledge'), page: KnowledgePage, roles: ALL },
];

function usePath(): [string, (p: string) => void] {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const on = () => setPath(location.pathname);
    addEventListener('popstate', on);
    return () => removeEventListener('popstate', on);
  }, []);
  return [
    path,
    (p) => {
      history.pushState(null, '', p);
      setPath(p);
    },
  ];
}

function StaffApp() {
  const session = useSession();
  const [path, go] = usePath();
  const mine = ROUTES.filter((r) => auth.hasRole(...r.roles));
  const route = mine.find((r) => r.path === path.replace(/\/$/, '')) ?? mine[0];
  return (
    <>
      <Header title={ts('title')} />
      {!session ? (
        <main class="staff">
          <div class="panel narrow">
            <p class="notice">{ts('needLogin')}</p>
            <AuthForms initial="login" />
          </div>
        </main>
      ) : !route ? (
        <main class="staff">
          <p class="error" role="alert">
            {ts('noAccess')}
          </p>
        </main>
      ) : (
        <div class="staff-layout" key={session.person.id}>
          <nav class="staff-nav" aria-label={ts('title')}>
            <ul>
              {mine.map((r) => (
                <li key={r.path}>
                  <a
                    href={r.path}
                    aria-current={r === route ? 'page' : undefined}
                    onClick={(e) => {
                      e.preventDefault();
                      go(r.path);
                    }}
                  >
                    {r.label()}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <main class="staff" data-page={route.path}>
            <h2 class="page-title">{route.label()}</h2>
            <route.page />
          </main>
        </div>
      )}
    </>
  );
}

void startApp(StaffApp);
