// The member page, /me: my codes as QR, referral link, credit, readings over time, orders, expert
// consultations (book, mine, recommended products), how we reach me (language, time zone, channel,
// marketing consent) and privacy settings. A visitor with ?ref=CODE (a friend's link) gets the
// registration form with that code.
import '../common/styles.css';
import './me.css';
import { useState } from 'preact/hooks';
import { Header, startApp } from '../common/app-shell.tsx';
import { AuthForms, useSession } from '../common/auth-ui.tsx';
import { BookingPanel, MyConsultationsPanel, RecommendedPanel } from './consultations.tsx';
import { tm } from './messages.ts';
import { OrdersPanel } from './orders-panel.tsx';
import { Codes, ConsentsPanel, CreditPanel, ReadingsPanel } from './panels.tsx';
import { ProfilePanel } from './profile-panel.tsx';

const query = new URLSearchParams(location.search);
const codes = { referralCode: query.get('ref') ?? undefined, channelCode: query.get('ch') ?? undefined };

function MeApp() {
  const session = useSession();
  const [booked, setBooked] = useState(0);
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
            <ProfilePanel hasEmail={Boolean(session.person.email)} />
            <RecommendedPanel version={booked} />
            <BookingPanel onBooked={() => setBooked((n) => n + 1)} />
            <MyConsultationsPanel version={booked} />
            <ConsentsPanel person={session.person} />
          </div>
        )}
      </main>
    </>
  );
}

void startApp(MeApp);
