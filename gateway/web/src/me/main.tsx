// The member page, /me: my codes as QR, referral link, credit, readings over time, orders and privacy
// settings. A visitor with ?ref=CODE (a friend's link) gets the registration form with that code.
import '../common/styles.css';
import './me.css';
import { Header, startApp } from '../common/app-shell.tsx';
import { AuthForms, useSession } from '../common/auth-ui.tsx';
import { tm } from './messages.ts';
import { OrdersPanel } from './orders-panel.tsx';
import { Codes, ConsentsPanel, CreditPanel, ReadingsPanel } from './panels.tsx';

const query = new URLSearchParams(location.search);
const codes = { referralCode: query.get('ref') ?? undefined, channelCode: query.get('ch') ?? undefined };

function MeApp() {
  const session = useSession();
  return (
    <>
      <Header title={tm('title')} auth={codes} />
      <main class="me">
        {!session ? (
          <div class="panel narrow">
            <p class="notice">{tm('needLogin')}</p>
            <AuthForms initial={codes.referralCode || codes.channelCode ? 'register' : 'login'} {...codes} />
          </div>
        ) : (
          <div class="me-grid" key={session.person.id}>
            <Codes person={session.person} />
            <CreditPanel />
            <ReadingsPanel />
            <OrdersPanel />
            <ConsentsPanel person={session.person} />
          </div>
        )}
      </main>
    </>
  );
}

void startApp(MeApp);
