// The frame of every page: a header (title, language switch, account) and start-up (restore the
// session from the refresh cookie, then render; a crash in rendering shows an error, never a blank).
import { Component, type ComponentChildren, type FunctionComponent, render } from 'preact';
import { auth } from './api.ts';
import { AccountButton, type AuthFormsProps } from './auth-ui.tsx';
import { useLang } from './i18n.ts';
import { ErrorNotice, LangSwitch, Loading } from './ui.tsx';

export function Header({
  title,
  children,
  auth: authProps,
}: {
  title: string;
  children?: ComponentChildren;
  auth?: Omit<AuthFormsProps, 'onDone'> & { open?: boolean; onOpenChange?: (v: boolean) => void };
}) {
  return (
    <header class="app-header">
      <h1 class="app-title">{title}</h1>
      <div class="app-tools">
        {children}
        <LangSwitch />
        <AccountButton {...authProps} />
      </div>
    </header>
  );
}

class Boundary extends Component<{ children: ComponentChildren }, { error: unknown }> {
  override state = { error: undefined as unknown };
  override componentDidCatch(error: unknown) {
    this.setState({ error });
  }
  override render() {
    if (this.state.error !== undefined) {
      return <ErrorNotice error={this.state.error} onRetry={() => location.reload()} />;
    }
    return this.props.children;
  }
}

/** Re-renders the whole page when the language changes. */
function Root({ app: App }: { app: FunctionComponent<{ lang: string }> }) {
  const lang = useLang();
  return (
    <Boundary>
      <App lang={lang} />
    </Boundary>
  );
}

/** Restores the session (if the refresh cookie allows), then renders `app` into #app. */
export async function startApp(app: FunctionComponent<{ lang: string }>): Promise<void> {
  const root = document.getElementById('app') ?? document.body;
  render(<Loading />, root);
  await auth.restore();
  render(<Root app={app} />, root);
}
