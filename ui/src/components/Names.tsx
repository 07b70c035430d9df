// Who and what a row is about, as a person reads it: the agent's name and email and the skill's
// platform name, also when the feed names them by id (an undo file) or by a corrected name.

export function AgentCell({ agent, label }: { agent: string; label: string | null }) {
  if (!label) return <span className="cell-name">{agent}</span>;
  const shown = label.toLowerCase().includes(agent.trim().toLowerCase());
  return (
    <span className="cell-name" data-testid="agent-label">
      {label}
      {!shown && <span className="cell-sub muted">{agent}</span>}
    </span>
  );
}

export function SkillCell({ skill, label }: { skill: string; label: string | null }) {
  if (!label) return <span className="cell-name">{skill}</span>;
  return (
    <span className="cell-name" data-testid="skill-label">
      {label}
      <span className="cell-sub muted">in the feed: {skill}</span>
    </span>
  );
}
