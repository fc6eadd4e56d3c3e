import { Suspense, useState, useSyncExternalStore } from "react";
import Spinner from "@cloudscape-design/components/spinner";
import AppLayout from "@cloudscape-design/components/app-layout";
import SideNavigation from "@cloudscape-design/components/side-navigation";
import TopNavigation from "@cloudscape-design/components/top-navigation";
import { useMe } from "./api/users";
import { useServices } from "./context";
import { EmbeddedContact } from "./connect/EmbeddedContact";
import { isEmbedded } from "./connect/bridge";
import { pages } from "./pages/loaders";
import { hrefFor, navigate, useRoute, type Route } from "./routing";

// Pages load on first use (pages/loaders.tsx); the boot has already started the opened one (prefetch.ts).
const { "sign-in": SignInPage, case: CasePage, find: FindPage, "my-work": MyWorkPage, dashboard: DashboardPage } = pages;

export function App() {
  const { session } = useServices();
  const signedIn = useSyncExternalStore(
    (listener) => session.subscribe(listener),
    () => session.signedIn,
  );
  return signedIn ? (
    <Workspace />
  ) : (
    <Suspense fallback={<Spinner size="large" />}>
      <SignInPage />
    </Suspense>
  );
}

function Workspace() {
  const { session } = useServices();
  const route = useRoute();
  const me = useMe().data;
  const embedded = isEmbedded();
  const [navigationOpen, setNavigationOpen] = useState(!embedded);
  const identity = session.identity;
  const who = me?.name ?? identity?.name ?? "Signed in";
  const tenant = identity?.tenant;
  const supervisor = !me || me.role !== "agent";

  const navigationItems = [
    { type: "link" as const, text: "My work", href: hrefFor({ page: "my-work" }) },
    { type: "link" as const, text: "Find", href: hrefFor({ page: "find" }) },
    ...(supervisor ? [{ type: "link" as const, text: "Dashboard", href: hrefFor({ page: "dashboard" }) }] : []),
  ];

  return (
    <>
      <div id="top-nav">
        <TopNavigation
          identity={{ href: "#/", title: "Casetrail" }}
          i18nStrings={{ overflowMenuTriggerText: "More", overflowMenuTitleText: "All", searchIconAriaLabel: "Search", searchDismissIconAriaLabel: "Close search" }}
          utilities={[
            {
              type: "menu-dropdown",
              text: who,
              description: tenant ? `Tenant: ${tenant}` : me?.email,
              iconName: "user-profile",
              ariaLabel: `Signed in as ${who}${tenant ? `, tenant ${tenant}` : ""}`,
              items: [{ id: "sign-out", text: "Sign out" }],
              onItemClick: ({ detail }) => detail.id === "sign-out" && session.signOut(),
            },
          ]}
        />
      </div>
      <AppLayout
        headerSelector="#top-nav"
        ariaLabels={{ navigation: "Navigation", navigationClose: "Close navigation", navigationToggle: "Open navigation", notifications: "Notifications" }}
        navigationOpen={navigationOpen}
        onNavigationChange={({ detail }) => setNavigationOpen(detail.open)}
        navigation={
          <SideNavigation
            header={{ text: "Casetrail", href: "#/" }}
            activeHref={hrefFor(route.page === "case" ? { page: "find" } : route)}
            items={navigationItems}
            onFollow={(event) => {
              event.preventDefault();
              navigate(event.detail.href);
            }}
          />
        }
        toolsHide
        content={
          <>
            {embedded && <EmbeddedContact />}
            <Suspense fallback={<Spinner size="large" />}>
              <Page route={route} />
            </Suspense>
          </>
        }
      />
    </>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case "case":
      return <CasePage key={route.caseId} caseId={route.caseId} />;
    case "find":
      return <FindPage initialQuery={route.query} />;
    case "dashboard":
      return <DashboardPage />;
    default:
      return <MyWorkPage />;
  }
}
