"""The grants, row rules and login functions `desk server-setup` installs in a desk's
database, generated from desk.domain.db_rights for every table there is."""

from __future__ import annotations

from sqlalchemy import Connection, text

from desk.domain import db_rights
from desk.domain.model import ACTIVE_STATUSES, Priority, Role
from desk.domain.permissions import ROLE_PERMISSIONS, Permission
from desk.domain.presence import EXPIRY

from .server_roles import PREFIX_SETTING, ServerRoles, literal, names, quoted
from .types import STATUS_CODES

#: A SCRAM verifier as libpq computes it: what the login functions take, never a password.
SCRAM_PREFIX = "SCRAM-SHA-256$"

#: The functions only an admin's login may call.
LOGIN_FUNCTIONS = (
    "desk_create_login(text, text)",
    "desk_sync_login(text)",
    "desk_set_login_password(text, text)",
)


#: What the program computes or tidies, written as the owner after checking the caller
#: (the store calls them where desk.store.server_roles.guarded says): every workstation
#: group may call them.
PROGRAM_FUNCTIONS = (
    "desk_write_clocks(integer[], integer[], timestamptz[], timestamptz[], timestamptz[],"
    " timestamptz[], integer[])",
    "desk_stamp_breaches(integer[], text, timestamptz)",
    "desk_escalate_ticket(integer, integer, text, integer, integer, integer, boolean, timestamptz)",
    "desk_prune_change_log(timestamptz)",
    "desk_prune_presence(timestamptz)",
)
#: The desk settings that count plan and calendar edits and name the default plan
#: (desk.services.clocks.EPOCH and DEFAULT_PLAN).
EPOCH_SETTING = "sla_epoch"
DEFAULT_PLAN_SETTING = "sla_default_plan"
#: What a prune keeps whatever a client asks: a day of changes, presence until it expires.
CHANGE_LOG_KEPT = "1 day"


def install(conn: Connection, roles: ServerRoles) -> None:
    """As the owner, after the migrations: functions, grants, row rules and triggers for
    every table there is now. Idempotent; run after every upgrade."""
    conn.execute(
        text(
            "INSERT INTO desk_settings (key, value) VALUES (:k, :v)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        ),
        {"k": PREFIX_SETTING, "v": roles.prefix},
    )
    for statement in _functions(roles):
        conn.execute(text(statement))
    grant_tables(conn, roles)
    for statement in _row_rules(roles):
        conn.execute(text(statement))
    for statement in _login_functions(roles):
        conn.execute(text(statement))
    for statement in _program_functions():
        conn.execute(text(statement))
    for signature in PROGRAM_FUNCTIONS:
        conn.execute(text(f"REVOKE ALL ON FUNCTION public.{signature} FROM PUBLIC"))
        conn.execute(text(f"GRANT EXECUTE ON FUNCTION public.{signature} TO {names(roles.groups)}"))
    for signature in LOGIN_FUNCTIONS:
        conn.execute(text(f"REVOKE ALL ON FUNCTION public.{signature} FROM PUBLIC"))
        conn.execute(
            text(
                f"GRANT EXECUTE ON FUNCTION public.{signature} TO {quoted(roles.group(Role.ADMIN))}"
            )
        )


def grant_tables(conn: Connection, roles: ServerRoles) -> None:
    """Every table of the schema gets exactly the rights desk.domain.db_rights says."""
    everyone = names(roles.groups)
    conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {everyone}"))
    columns: dict[str, list[str]] = {}
    for table, column in conn.execute(
        text(
            "SELECT c.relname, a.attname FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
            " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm')"
            " ORDER BY c.relname, a.attnum"
        )
    ):
        columns.setdefault(table, []).append(column)
    for table, table_columns in columns.items():
        target = f"public.{quoted(table)}"
        conn.execute(text(f"REVOKE ALL ON {target} FROM PUBLIC, {everyone}"))
        readable = [c for c in table_columns if not c.endswith(db_rights.SECRET_SUFFIX)]
        if len(readable) == len(table_columns):
            conn.execute(text(f"GRANT SELECT ON {target} TO {everyone}"))
        else:
            conn.execute(text(f"GRANT SELECT ({names(readable)}) ON {target} TO {everyone}"))
        rule = db_rights.rights(table)
        # The program's computed columns are left out of what a login writes itself.
        typed = [c for c in table_columns if c not in rule.computed]
        for privilege, permission in (
            ("INSERT", rule.insert),
            ("UPDATE", rule.update),
            ("DELETE", rule.delete),
        ):
            if groups := roles.groups_with(permission):
                some = f" ({names(typed)})" if rule.computed and privilege != "DELETE" else ""
                conn.execute(text(f"GRANT {privilege}{some} ON {target} TO {names(groups)}"))
        for permission, updatable in rule.update_columns.items():
            if groups := roles.groups_with(permission):
                conn.execute(
                    text(f"GRANT UPDATE ({names(updatable)}) ON {target} TO {names(groups)}")
                )
    conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {everyone}"))


def _may_case(roles: ServerRoles, who: str = "current_user") -> str:
    """SQL that says whether `who`'s group holds `permission` (a text argument)."""
    arms = []
    for permission in Permission:
        holders = [r for r in Role if permission in ROLE_PERMISSIONS[r]]
        tests = " OR ".join(
            f"pg_has_role({who}, {literal(roles.group(r))}, 'MEMBER')" for r in holders
        )
        arms.append(f"WHEN {literal(permission.value)} THEN {tests or 'false'}")
    return f"CASE permission {' '.join(arms)} ELSE false END"


_FIXED = "SET search_path = pg_catalog, public"


def _functions(roles: ServerRoles) -> list[str]:
    owner = literal(roles.owner)
    return [
        # The agent this session is: its login's row, while active. Policies call it as
        # (SELECT public.desk_current_agent()), evaluated once per statement.
        f"""CREATE OR REPLACE FUNCTION public.desk_current_agent() RETURNS integer
        LANGUAGE sql STABLE {_FIXED} AS $$
        SELECT id FROM public.agents WHERE login = current_user AND active $$""",
        # Whether the rules below apply: to every login but the owner's and superusers'
        # (the migrations and server-setup).
        f"""CREATE OR REPLACE FUNCTION public.desk_workstation() RETURNS boolean
        LANGUAGE sql STABLE {_FIXED} AS $$
        SELECT current_user <> {owner}
           AND NOT coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false)
        $$""",
        f"""CREATE OR REPLACE FUNCTION public.desk_may(permission text) RETURNS boolean
        LANGUAGE sql STABLE {_FIXED} AS $$ SELECT {_may_case(roles)} $$""",
        # The same for whoever called one of the SECURITY DEFINER functions below, in
        # which current_user is the owner: the session's login, which no client can
        # change (SET ROLE changes current_user only).
        f"""CREATE OR REPLACE FUNCTION public.desk_caller_agent() RETURNS integer
        LANGUAGE sql STABLE {_FIXED} AS $$
        SELECT id FROM public.agents WHERE login = session_user AND active $$""",
        f"""CREATE OR REPLACE FUNCTION public.desk_caller_may(permission text) RETURNS boolean
        LANGUAGE sql STABLE {_FIXED} AS $$ SELECT {_may_case(roles, "session_user")} $$""",
        # The caller's agent, or an error in words if they are none or may not do it; NULL
        # for the owner, a member of it (server-setup's user) or a superuser.
        f"""CREATE OR REPLACE FUNCTION public.desk_caller_must(permission text, action text)
        RETURNS integer LANGUAGE plpgsql STABLE {_FIXED} AS $$
        DECLARE me integer;
        BEGIN
          IF pg_has_role(session_user, {owner}, 'MEMBER') THEN RETURN NULL; END IF;
          me := public.desk_caller_agent();
          IF me IS NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
              MESSAGE = 'This login belongs to no active agent of the desk.';
          END IF;
          IF NOT public.desk_caller_may(permission) THEN
            RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
              MESSAGE = format('You may not %s.', action);
          END IF;
          RETURN me;
        END $$""",
    ]


def _row_rules(roles: ServerRoles) -> list[str]:
    """Rules that depend on the row: triggers where the old row matters (who held the
    ticket), FORCEd row-level security on current_user where only the row does."""
    active = ", ".join(str(STATUS_CODES[status]) for status in sorted(ACTIVE_STATUSES))
    statements = [
        # Taking a ticket from another agent (release, reassign, or a transfer that lets
        # go of them) is a supervisor's call. The sweep's escalation of a breached ticket,
        # which any client runs, goes through desk_escalate_ticket (as the owner).
        f"""CREATE OR REPLACE FUNCTION public.desk_guard_ticket() RETURNS trigger
        LANGUAGE plpgsql {_FIXED} AS $$
        DECLARE me integer;
        BEGIN
          IF NOT public.desk_workstation() THEN RETURN NEW; END IF;
          me := public.desk_current_agent();
          IF me IS NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
              MESSAGE = 'This login belongs to no active agent of the desk.';
          END IF;
          -- Whether a ticket sits in the working queues (and the sweep's walks) is its
          -- status's to say, not a login's.
          IF NEW.is_active IS DISTINCT FROM (NEW.status IN ({active})) THEN
            RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
              MESSAGE = 'Whether a ticket is open follows its status.';
          END IF;
          IF TG_OP = 'INSERT' THEN
            IF NEW.created_by IS DISTINCT FROM me AND NEW.created_by IS NOT NULL THEN
              RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
                MESSAGE = 'A ticket can only be logged in your own name.';
            END IF;
            RETURN NEW;
          END IF;
          -- What a resolve, close or reopen records changes with the status only (and so
          -- with a new version and its event, below).
          IF NEW.status IS NOT DISTINCT FROM OLD.status
             AND (NEW.resolved_at, NEW.closed_at, NEW.reopen_count, NEW.resolution_note,
                  NEW.csat)
                 IS DISTINCT FROM (OLD.resolved_at, OLD.closed_at, OLD.reopen_count,
                  OLD.resolution_note, OLD.csat) THEN
            RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
              MESSAGE = 'A resolution, closure or reopening is recorded with its status change.';
          END IF;
          IF NEW.updated_by IS NOT NULL AND NEW.updated_by IS DISTINCT FROM OLD.updated_by
             AND NEW.updated_by <> me THEN
            RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
              MESSAGE = 'A ticket can only be changed in your own name.';
          END IF;
          IF NEW.assignee_id IS DISTINCT FROM OLD.assignee_id
             AND OLD.assignee_id IS NOT NULL AND OLD.assignee_id <> me
             AND NOT public.desk_may('assign_others') THEN
            RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
              MESSAGE = 'The ticket is assigned to another agent; a supervisor can reassign it.';
          END IF;
          IF NEW.status IS DISTINCT FROM OLD.status AND NEW.version <= OLD.version THEN
            RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
              MESSAGE = 'A status change needs a new version of the ticket and its event.';
          END IF;
          RETURN NEW;
        END $$""",
        "DROP TRIGGER IF EXISTS desk_guard_ticket ON public.tickets",
        """CREATE TRIGGER desk_guard_ticket BEFORE INSERT OR UPDATE ON public.tickets
        FOR EACH ROW EXECUTE FUNCTION public.desk_guard_ticket()""",
        # A status change is recorded in the thread by the time the transaction commits.
        f"""CREATE OR REPLACE FUNCTION public.desk_status_needs_event() RETURNS trigger
        LANGUAGE plpgsql {_FIXED} AS $$
        BEGIN
          IF public.desk_workstation() AND NOT EXISTS (
              SELECT 1 FROM public.thread_entries e
              WHERE e.ticket_id = NEW.id AND e.kind = 'event' AND e.ticket_version = NEW.version)
          THEN
            RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
              MESSAGE = 'A status change must be recorded in the ticket''s thread.';
          END IF;
          RETURN NULL;
        END $$""",
        "DROP TRIGGER IF EXISTS desk_status_needs_event ON public.tickets",
        """CREATE CONSTRAINT TRIGGER desk_status_needs_event AFTER UPDATE OF status
        ON public.tickets DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
        WHEN (OLD.status IS DISTINCT FROM NEW.status)
        EXECUTE FUNCTION public.desk_status_needs_event()""",
        # The first response, which stops its clock, is stamped once and only with a reply
        # in the thread by commit (no login stops a clock, or restarts it, by hand).
        f"""CREATE OR REPLACE FUNCTION public.desk_response_needs_reply() RETURNS trigger
        LANGUAGE plpgsql {_FIXED} AS $$
        BEGIN
          IF public.desk_workstation() AND (OLD.first_responded_at IS NOT NULL OR NOT EXISTS (
              SELECT 1 FROM public.thread_entries e
              WHERE e.ticket_id = NEW.id AND e.kind = 'reply'))
          THEN
            RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
              MESSAGE = 'A ticket''s first response is the first reply in its thread.';
          END IF;
          RETURN NULL;
        END $$""",
        "DROP TRIGGER IF EXISTS desk_response_needs_reply ON public.tickets",
        """CREATE CONSTRAINT TRIGGER desk_response_needs_reply AFTER UPDATE OF first_responded_at
        ON public.tickets DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
        WHEN (OLD.first_responded_at IS DISTINCT FROM NEW.first_responded_at)
        EXECUTE FUNCTION public.desk_response_needs_reply()""",
        # History is written in one's own name (or the desk's: sweeps, the customer).
        f"""CREATE OR REPLACE FUNCTION public.desk_guard_entry() RETURNS trigger
        LANGUAGE plpgsql {_FIXED} AS $$
        DECLARE me integer;
        BEGIN
          IF NOT public.desk_workstation() THEN RETURN NEW; END IF;
          me := public.desk_current_agent();
          IF me IS NULL OR (NEW.agent_id IS NOT NULL AND NEW.agent_id <> me)
             -- one's own entry under one's own name (a customer's message under theirs)
             OR (NEW.agent_id = me AND NEW.kind <> 'customer' AND NEW.author_name
                 IS DISTINCT FROM (SELECT a.name FROM public.agents a WHERE a.id = me))
             -- the desk's own (routing, the sweep): events and notes, under no agent's name
             OR (NEW.agent_id IS NULL AND (NEW.kind NOT IN ('event', 'note')
                 OR EXISTS (SELECT 1 FROM public.agents a WHERE a.name = NEW.author_name)))
          THEN
            RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
              MESSAGE = 'A thread entry can only be written in your own name.';
          END IF;
          RETURN NEW;
        END $$""",
        "DROP TRIGGER IF EXISTS desk_guard_entry ON public.thread_entries",
        """CREATE TRIGGER desk_guard_entry BEFORE INSERT ON public.thread_entries
        FOR EACH ROW EXECUTE FUNCTION public.desk_guard_entry()""",
        # Availability is one's own to say; capacity is a supervisor's (column grants).
        # A trigger, not a policy: routing locks other agents' rows FOR NO KEY UPDATE,
        # which an UPDATE policy would silently filter.
        f"""CREATE OR REPLACE FUNCTION public.desk_guard_agent() RETURNS trigger
        LANGUAGE plpgsql {_FIXED} AS $$
        BEGIN
          IF public.desk_workstation() AND NOT public.desk_may('manage_desk')
             AND OLD.id IS DISTINCT FROM public.desk_current_agent()
             AND (NEW.availability, NEW.away_until, NEW.must_change_password,
                  NEW.password_changed_at)
                 IS DISTINCT FROM (OLD.availability, OLD.away_until, OLD.must_change_password,
                  OLD.password_changed_at) THEN
            RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
              MESSAGE = 'Only the agent themself can change their availability or password.';
          END IF;
          RETURN NEW;
        END $$""",
        "DROP TRIGGER IF EXISTS desk_guard_agent ON public.agents",
        """CREATE TRIGGER desk_guard_agent BEFORE UPDATE ON public.agents
        FOR EACH ROW EXECUTE FUNCTION public.desk_guard_agent()""",
        # An admin's change of role or active flag moves the login with it.
        f"""CREATE OR REPLACE FUNCTION public.desk_follow_agent() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER {_FIXED} AS $$
        BEGIN
          IF public.desk_login_is_ours(NEW.login) THEN
            PERFORM public.desk_place_login(NEW.login, NEW.role, NEW.active);
          END IF;
          RETURN NULL;
        END $$""",
        "DROP TRIGGER IF EXISTS desk_follow_agent ON public.agents",
    ]
    statements += _policies(roles)
    return statements


def _policies(roles: ServerRoles) -> list[str]:
    owner = quoted(roles.owner)
    everyone = names(roles.groups)
    admins = quoted(roles.group(Role.ADMIN))
    workers = names(roles.groups_with(Permission.WORK_TICKETS))
    me = "(SELECT public.desk_current_agent())"
    policies = {
        # Notices: anyone's sweep adds them; each agent marks their own as read.
        "notifications": [
            f"desk_read FOR SELECT TO {everyone} USING (true)",
            f"desk_add FOR INSERT TO {workers} WITH CHECK (true)",
            f"desk_own FOR UPDATE TO {workers} USING (agent_id = {me})"
            f" WITH CHECK (agent_id = {me})",
        ],
        # Presence: each agent's own rows (desk_prune_presence removes crashed clients').
        "presence": [
            f"desk_read FOR SELECT TO {everyone} USING (true)",
            f"desk_add FOR INSERT TO {workers} WITH CHECK (agent_id = {me})",
            f"desk_own FOR UPDATE TO {workers} USING (agent_id = {me})"
            f" WITH CHECK (agent_id = {me})",
            f"desk_gone FOR DELETE TO {workers} USING (agent_id = {me})",
        ],
        # Settings: admins; any agent's first run may store the desk's phone country.
        "desk_settings": [
            f"desk_read FOR SELECT TO {everyone} USING (true)",
            f"desk_first_run FOR INSERT TO {workers} WITH CHECK (key = 'phone_region')",
            f"desk_manage FOR ALL TO {admins} USING (true) WITH CHECK (true)",
        ],
    }
    statements = []
    for table, rules in policies.items():
        target = f"public.{quoted(table)}"
        statements += [
            f"ALTER TABLE {target} ENABLE ROW LEVEL SECURITY",
            f"ALTER TABLE {target} FORCE ROW LEVEL SECURITY",
        ]
        for name in ("desk_owner", *(rule.split()[0] for rule in rules)):
            statements.append(f"DROP POLICY IF EXISTS {name} ON {target}")
        statements.append(
            f"CREATE POLICY desk_owner ON {target} FOR ALL TO {owner} USING (true) WITH CHECK (true)"
        )
        statements += [f"CREATE POLICY {rule.replace(' ', f' ON {target} ', 1)}" for rule in rules]
    return statements


def _login_functions(roles: ServerRoles) -> list[str]:
    """SECURITY DEFINER functions, owned by the owner (who has CREATEROLE), that only
    touch logins of this desk's agents."""
    groups = ", ".join(literal(g) for g in (*roles.groups, roles.inactive))
    group_of = " ".join(f"WHEN {literal(r.value)} THEN {literal(roles.group(r))}" for r in Role)
    inactive = literal(roles.inactive)
    return [
        f"""CREATE OR REPLACE FUNCTION public.desk_login_is_ours(login text) RETURNS boolean
        LANGUAGE sql STABLE {_FIXED} AS $$
        SELECT EXISTS (
          SELECT 1 FROM pg_auth_members m
          JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member
          WHERE r.rolname = login AND g.rolname IN ({groups})) $$""",
        # Into the group of `desk_role` (or the inactive one), out of the others; NOLOGIN
        # when inactive, unless another desk on the server shares the login.
        f"""CREATE OR REPLACE FUNCTION public.desk_place_login(
            login text, desk_role text, active boolean) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER {_FIXED} AS $$
        DECLARE
          wanted text := CASE WHEN NOT active THEN {inactive}
                         ELSE CASE desk_role {group_of} END END;
          other text;
          -- By name: to_regrole would read a login with a dot ("alex.morgan") as qualified.
          login_oid oid := (SELECT oid FROM pg_roles WHERE rolname = login);
        BEGIN
          IF wanted IS NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
              MESSAGE = format('%s is not a role of the desk.', desk_role);
          END IF;
          FOREACH other IN ARRAY ARRAY[{groups}] LOOP
            IF other <> wanted AND EXISTS (SELECT 1 FROM pg_auth_members m
               WHERE m.roleid = (SELECT oid FROM pg_roles WHERE rolname = other)
               AND m.member = login_oid) THEN
              EXECUTE format('REVOKE %I FROM %I', other, login);
            END IF;
          END LOOP;
          IF NOT EXISTS (SELECT 1 FROM pg_auth_members m
                         WHERE m.roleid = (SELECT oid FROM pg_roles WHERE rolname = wanted)
                         AND m.member = login_oid) THEN
            EXECUTE format('GRANT %I TO %I', wanted, login);
          END IF;
          IF active THEN
            EXECUTE format('ALTER ROLE %I LOGIN', login);
          ELSE
            IF NOT EXISTS (SELECT 1 FROM pg_auth_members m
                           WHERE m.member = login_oid AND m.roleid NOT IN
                           (SELECT oid FROM pg_roles WHERE rolname IN ({groups}))) THEN
              EXECUTE format('ALTER ROLE %I NOLOGIN', login);
            END IF;
            BEGIN  -- sessions already open end too (needs pg_signal_backend)
              PERFORM pg_terminate_backend(pid) FROM pg_stat_activity
              WHERE usename = login AND datname = current_database();
            EXCEPTION WHEN insufficient_privilege THEN NULL;
            END;
          END IF;
        END $$""",
        f"""CREATE OR REPLACE FUNCTION public.desk_check_login(login text) RETURNS void
        LANGUAGE plpgsql STABLE {_FIXED} AS $$
        BEGIN
          IF NOT public.desk_login_is_ours(login) THEN
            RAISE EXCEPTION USING ERRCODE = 'undefined_object',
              MESSAGE = format('%s has no login on this desk''s server.', login);
          END IF;
        END $$""",
        f"""CREATE OR REPLACE FUNCTION public.desk_check_verifier(verifier text) RETURNS void
        LANGUAGE plpgsql IMMUTABLE {_FIXED} AS $$
        BEGIN
          IF verifier IS NULL OR left(verifier, {len(SCRAM_PREFIX)}) <> {literal(SCRAM_PREFIX)} THEN
            RAISE EXCEPTION USING ERRCODE = 'invalid_password',
              MESSAGE = 'Only a scram-sha-256 verifier is taken, never a password.';
          END IF;
        END $$""",
        # A login for the desk's agent `login`, in the group its row says.
        f"""CREATE OR REPLACE FUNCTION public.desk_create_login(login text, verifier text)
        RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER {_FIXED} AS $$
        DECLARE agent record;
        BEGIN
          PERFORM public.desk_check_verifier(verifier);
          SELECT a.role, a.active INTO agent FROM public.agents a WHERE a.login = $1;
          IF NOT FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'undefined_object',
              MESSAGE = format('The desk has no agent %s.', login);
          END IF;
          IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = login) THEN
            IF NOT public.desk_login_is_ours(login) THEN
              RAISE EXCEPTION USING ERRCODE = 'duplicate_object',
                MESSAGE = format('The login %s is already used on this server.', login);
            END IF;
            EXECUTE format('ALTER ROLE %I PASSWORD %L', login, verifier);
          ELSE
            EXECUTE format('CREATE ROLE %I LOGIN INHERIT PASSWORD %L', login, verifier);
          END IF;
          PERFORM public.desk_place_login(login, agent.role, agent.active);
        END $$""",
        # The login follows its agent's row: the group of its role, disabled while the
        # agent is deactivated (the trigger below does it at every change of the row).
        f"""CREATE OR REPLACE FUNCTION public.desk_sync_login(login text)
        RETURNS void LANGUAGE plpgsql SECURITY DEFINER {_FIXED} AS $$
        DECLARE agent record;
        BEGIN
          PERFORM public.desk_check_login(login);
          SELECT a.role, a.active INTO agent FROM public.agents a WHERE a.login = $1;
          PERFORM public.desk_place_login(login, agent.role, coalesce(agent.active, false));
        END $$""",
        f"""CREATE OR REPLACE FUNCTION public.desk_set_login_password(login text, verifier text)
        RETURNS void LANGUAGE plpgsql SECURITY DEFINER {_FIXED} AS $$
        BEGIN
          PERFORM public.desk_check_verifier(verifier);
          PERFORM public.desk_check_login(login);
          EXECUTE format('ALTER ROLE %I PASSWORD %L', login, verifier);
        END $$""",
        # Any login may change its own password; a function, so that the verifier is a
        # parameter and not a literal in a statement.
        f"""CREATE OR REPLACE FUNCTION public.desk_set_own_password(verifier text)
        RETURNS void LANGUAGE plpgsql {_FIXED} AS $$
        BEGIN
          PERFORM public.desk_check_verifier(verifier);
          EXECUTE format('ALTER ROLE %I PASSWORD %L', current_user, verifier);
        END $$""",
        # Created here, after desk_place_login exists.
        """CREATE TRIGGER desk_follow_agent AFTER UPDATE OF role, active ON public.agents
        FOR EACH ROW WHEN (OLD.role IS DISTINCT FROM NEW.role OR OLD.active IS DISTINCT FROM NEW.active)
        EXECUTE FUNCTION public.desk_follow_agent()""",
    ]


def _program_functions() -> list[str]:
    """SECURITY DEFINER functions for what no workstation login may write directly: the
    clocks a recompute stores, the sweep's breach stamps and escalations, and the change
    log's and presence's pruning. Each checks its caller and what it is asked to write."""
    top = int(max(Priority))
    expiry = int(EXPIRY.total_seconds())
    return [
        # A recompute's due times: the caller works tickets, the plan is one of the desk's,
        # the ticket's due time is its earliest clock, and the recompute's epoch is not
        # ahead of the desk's (so the next plan edit's recompute reaches the ticket). What
        # each clock's due time is, the database cannot check: that is the program's
        # (business hours, pauses, due times set by hand).
        f"""CREATE OR REPLACE FUNCTION public.desk_write_clocks(
            ids integer[], plans integer[], firsts timestamptz[], resolutions timestamptz[],
            dues timestamptz[], risks timestamptz[], epochs integer[]) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER {_FIXED} AS $$
        BEGIN
          PERFORM public.desk_caller_must('work_tickets', 'recompute due times');
          IF EXISTS (
              SELECT 1 FROM unnest(plans, firsts, resolutions, dues, epochs)
                            AS c(plan, first, res, due, epoch)
              WHERE (c.plan IS NOT NULL
                     AND NOT EXISTS (SELECT 1 FROM public.sla_plans p WHERE p.id = c.plan))
                 OR c.due IS DISTINCT FROM least(c.first, c.res)
                 OR c.epoch > coalesce((SELECT CASE WHEN s.value ~ '^[0-9]+$'
                                                    THEN s.value::integer END
                                        FROM public.desk_settings s
                                        WHERE s.key = {literal(EPOCH_SETTING)}), 0)) THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation',
              MESSAGE = 'Due times must follow a plan of the desk, its earliest clock and '
                        'the desk''s recompute.';
          END IF;
          UPDATE public.tickets t
          SET sla_plan_id = c.plan, first_response_due_at = c.first,
              resolution_due_at = c.res, due_at = c.due, at_risk_at = c.risk,
              sla_epoch = c.epoch
          FROM unnest(ids, plans, firsts, resolutions, dues, risks, epochs)
               AS c(id, plan, first, res, due, risk, epoch)
          WHERE t.id = c.id;
        END $$""",
        # A breach is stamped at the clock's stored due time, once, while the ticket is
        # open and only when that time has passed by the server's clock too. The rows are
        # found by id: the due time is written so that no index answers it (the store's
        # stamp_breaches says why).
        f"""CREATE OR REPLACE FUNCTION public.desk_stamp_breaches(
            ids integer[], clock text, seen_at timestamptz) RETURNS SETOF integer
        LANGUAGE plpgsql SECURITY DEFINER {_FIXED} AS $$
        BEGIN
          PERFORM public.desk_caller_must('work_tickets', 'record breaches');
          IF clock = 'first_response' THEN
            RETURN QUERY WITH s AS (
              UPDATE public.tickets t SET first_response_breached_at = t.first_response_due_at
              WHERE t.id = ANY(ids) AND t.first_response_breached_at IS NULL AND t.is_active
                AND t.first_response_due_at + interval '0 seconds'
                    < least(seen_at, statement_timestamp())
              RETURNING t.id) SELECT s.id FROM s;
          ELSIF clock = 'resolution' THEN
            RETURN QUERY WITH s AS (
              UPDATE public.tickets t SET resolution_breached_at = t.resolution_due_at
              WHERE t.id = ANY(ids) AND t.resolution_breached_at IS NULL AND t.is_active
                AND t.resolution_due_at + interval '0 seconds'
                    < least(seen_at, statement_timestamp())
              RETURNING t.id) SELECT s.id FROM s;
          ELSE
            RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
              MESSAGE = format('%s is not a clock.', clock);
          END IF;
        END $$""",
        # The sweep's escalation of a breached ticket, which any workstation runs: only
        # what the ticket's plan says for that clock (another team, letting go of the
        # assignee; a higher priority), only once the clock's breach is stamped. False:
        # someone saved the ticket since `version` (the caller reports a conflict).
        f"""CREATE OR REPLACE FUNCTION public.desk_escalate_ticket(
            ticket integer, version integer, clock text, team integer, assignee integer,
            priority integer, overridden boolean, changed_at timestamptz) RETURNS boolean
        LANGUAGE plpgsql SECURITY DEFINER {_FIXED} AS $$
        DECLARE t record; steps json;
        BEGIN
          PERFORM public.desk_caller_must('work_tickets', 'escalate tickets');
          SELECT * INTO t FROM public.tickets WHERE id = ticket FOR UPDATE;
          IF NOT FOUND OR t.version <> version THEN RETURN false; END IF;
          IF (CASE clock WHEN 'first_response' THEN t.first_response_breached_at
                         WHEN 'resolution' THEN t.resolution_breached_at END) IS NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
              MESSAGE = 'Only a ticket whose clock is breached is escalated.';
          END IF;
          -- The plan of the ticket's help topic, else of its nearest parent's, else the
          -- desk's default (desk.domain.sla.choose_plan): not the stored sla_plan_id,
          -- which a recompute writes.
          steps := coalesce((
            WITH RECURSIVE up(topic, depth) AS (
              SELECT t.category_id, 0 WHERE t.category_id IS NOT NULL
              UNION ALL
              SELECT c.parent_id, up.depth + 1 FROM up
              JOIN public.categories c ON c.id = up.topic
              WHERE c.parent_id IS NOT NULL AND up.depth < 100)
            SELECT p.escalations FROM (
              SELECT tp.plan_id, up.depth FROM up
              JOIN public.topic_plans tp ON tp.category_id = up.topic
              UNION ALL
              SELECT s.value::integer, 1000 FROM public.desk_settings s
              WHERE s.key = {literal(DEFAULT_PLAN_SETTING)} AND s.value ~ '^[0-9]+$') chosen
            JOIN public.sla_plans p ON p.id = chosen.plan_id
            ORDER BY chosen.depth LIMIT 1), '[]'::json);
          IF team IS DISTINCT FROM t.team_id AND NOT EXISTS (
              SELECT 1 FROM json_array_elements(steps) e
              WHERE e->>'on' = clock AND e->>'kind' = 'move_to_team'
                AND (e->>'team_id')::integer = team
                AND EXISTS (SELECT 1 FROM public.teams m WHERE m.id = team AND m.active)) THEN
            RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
              MESSAGE = 'The ticket''s plan does not move it to that team.';
          END IF;
          IF assignee IS DISTINCT FROM t.assignee_id
             AND (assignee IS NOT NULL OR team IS NOT DISTINCT FROM t.team_id) THEN
            RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
              MESSAGE = 'An escalation lets go of the assignee only as it moves the ticket.';
          END IF;
          IF (priority, overridden) IS DISTINCT FROM (t.priority, t.priority_overridden)
             AND NOT EXISTS (
              SELECT 1 FROM json_array_elements(steps) e
              WHERE e->>'on' = clock AND e->>'kind' = 'raise_priority'
                AND priority = CASE WHEN e->>'priority' IS NULL
                                    THEN least(t.priority + 1, {top})
                                    ELSE greatest(t.priority, (e->>'priority')::integer) END)
          THEN
            RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
              MESSAGE = 'The ticket''s plan does not raise it to that priority.';
          END IF;
          UPDATE public.tickets SET
            team_id = team, team_name = (SELECT m.name FROM public.teams m WHERE m.id = team),
            assignee_id = assignee,
            assignee_name = (SELECT a.name FROM public.agents a WHERE a.id = assignee),
            priority = desk_escalate_ticket.priority, priority_overridden = overridden,
            updated_at = changed_at, updated_by = NULL, version = t.version + 1
          WHERE id = ticket;
          RETURN true;
        END $$""",
        # Old changes go; the last day's stay, whatever `before` a client gives.
        f"""CREATE OR REPLACE FUNCTION public.desk_prune_change_log(before timestamptz)
        RETURNS integer LANGUAGE plpgsql SECURITY DEFINER {_FIXED} AS $$
        DECLARE gone integer;
        BEGIN
          PERFORM public.desk_caller_must('work_tickets', 'prune the change log');
          DELETE FROM public.change_log WHERE created_at
            < least(before, statement_timestamp() - interval {literal(CHANGE_LOG_KEPT)});
          GET DIAGNOSTICS gone = ROW_COUNT;
          RETURN gone;
        END $$""",
        # Crashed clients' presence goes, once it has expired (others' rows are theirs).
        f"""CREATE OR REPLACE FUNCTION public.desk_prune_presence(before timestamptz)
        RETURNS integer LANGUAGE plpgsql SECURITY DEFINER {_FIXED} AS $$
        DECLARE gone integer;
        BEGIN
          PERFORM public.desk_caller_must('work_tickets', 'prune presence');
          DELETE FROM public.presence WHERE heartbeat_at
            < least(before, statement_timestamp() - interval '{expiry} seconds');
          GET DIAGNOSTICS gone = ROW_COUNT;
          RETURN gone;
        END $$""",
    ]
