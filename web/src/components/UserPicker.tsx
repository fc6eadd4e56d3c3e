import Autosuggest from "@cloudscape-design/components/autosuggest";
import { useUsers } from "../api/users";

/** Pick a person of the tenant by name (the value is their user id); free text where the API has
 * no user directory. */
export function UserPicker({ value, onChange, ariaLabel }: { value: string; onChange: (userId: string) => void; ariaLabel?: string }) {
  const users = useUsers();
  return (
    <Autosuggest
      ariaLabel={ariaLabel}
      value={value}
      onChange={({ detail }) => onChange(detail.value)}
      options={(users.data ?? []).filter((user) => user.active).map((user) => ({ value: user.userId, label: user.name, description: `${user.email} · ${user.role}` }))}
      statusType={users.isLoading ? "loading" : "finished"}
      enteredTextLabel={(text) => `Use "${text}"`}
      placeholder="Unassigned"
      empty="No matching people"
    />
  );
}
