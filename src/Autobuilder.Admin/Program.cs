using Autobuilder.Admin;
using Autobuilder.Admin.Commands.Accounts;
using Autobuilder.Admin.Commands.Audit;
using Autobuilder.Admin.Commands.Gc;
using Autobuilder.Admin.Commands.Builders;
using Autobuilder.Admin.Commands.Certs;
using Autobuilder.Admin.Commands.Cluster;
using Autobuilder.Admin.Commands.Db;
using Autobuilder.Admin.Commands.Deb;
using Autobuilder.Admin.Commands.Repo;
using Autobuilder.Admin.Commands.Status;
using Autobuilder.Admin.Commands.Uploads;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("autobuilder");
    // We print errors ourselves: one line on stderr, no stack trace for bad input.
    config.PropagateExceptions();
    config.AddCommand<StatusCommand>("status")
        .WithDescription("Uploads, builds and slots at a glance.")
        .WithExample("status");
    config.AddCommand<UploadCommand>("upload")
        .WithDescription("Copy a .dsc and the files it names into incoming (instead of scp or dput).")
        .WithExample("upload", "examples/hello-autobuilder_1.0-1.dsc", "--product", "bookworm");
    config.AddCommand<QueueCommand>("queue")
        .WithDescription("Builds running and waiting, in the order slots get them.")
        .WithExample("queue", "--json");
    config.AddBranch("uploads", uploads =>
    {
        uploads.SetDescription("Uploads and their histories.");
        uploads.AddCommand<UploadsListCommand>("list")
            .WithDescription("The newest uploads and their states.")
            .WithExample("uploads", "list", "--limit", "20")
            .WithExample("uploads", "list", "--product", "fremantle", "--state", "rejected", "--offset", "50");
        uploads.AddCommand<UploadsShowCommand>("show")
            .WithDescription("One upload: its builds and every transition with time and reason.")
            .WithExample("uploads", "show", "bookworm/hello_1.0-1/1");
        uploads.AddCommand<UploadsLogCommand>("log")
            .WithDescription("A build's log; with --follow, live until the build ends.")
            .WithExample("uploads", "log", "bookworm/hello_1.0-1/1", "--follow");
        uploads.AddCommand<UploadsRetryCommand>("retry")
            .WithDescription("Build a failed or dep-wait upload again.")
            .WithExample("uploads", "retry", "bookworm/hello_1.0-1/1");
        uploads.AddCommand<UploadsCancelCommand>("cancel")
            .WithDescription("Stop an upload's queued and running builds; they end Cancelled and are not retried.")
            .WithExample("uploads", "cancel", "bookworm/hello_1.0-1/1", "--reason", "wrong tarball uploaded");
        uploads.AddCommand<UploadsRescoreCommand>("rescore")
            .WithDescription("Set an upload's build priority (higher is built first); its waiting builds move in the queue.")
            .WithExample("uploads", "rescore", "bookworm/hello_1.0-1/1", "50");
    });
    config.AddBranch("builders", builders =>
    {
        builders.SetDescription("Builder slots (host/user pairs).");
        builders.AddCommand<BuildersListCommand>("list")
            .WithDescription("Each slot's state, host, architectures, build, heartbeat and failures.")
            .WithExample("builders", "list");
        builders.AddCommand<BuildersShowCommand>("show")
            .WithDescription("One slot: its state, current build and last builds (upload, attempt, outcome, duration, when).")
            .WithExample("builders", "show", "builder1/abslot1");
        builders.AddCommand<BuildersAddCommand>("add")
            .WithDescription("Add a slot at run time (kept across restarts).")
            .WithExample("builders", "add", "builder1", "abslot1", "--arch", "amd64", "--address", "192.0.2.10", "--port", "22",
                "--host-key", "SHA256:ohD8VZEXGWo6Ez8GSEJQ9WpafgLFsOfLOtGGQCQo6Og", "--key-file", "/etc/autobuilder/keys/abslot1");
        builders.AddCommand<BuildersDrainCommand>("drain")
            .WithDescription("The slot finishes its build and takes no new one.")
            .WithExample("builders", "drain", "builder1/abslot1");
        builders.AddCommand<BuildersEnableCommand>("enable")
            .WithDescription("Undo a drain or an operator hold; clears the failure count.")
            .WithExample("builders", "enable", "builder1/abslot1");
        builders.AddCommand<BuildersRemoveCommand>("remove")
            .WithDescription("Remove a slot added at run time (refused while it builds: drain it first).")
            .WithExample("builders", "remove", "builder1/abslot1");
        builders.AddCommand<BuildersPrepareEnvCommand>("prepare-env")
            .WithDescription("Make (or --refresh) the base tarball chroot-mode slots build in, on this machine (mmdebstrap).")
            .WithExample("builders", "prepare-env", "--dist", "bookworm", "--arch", "amd64")
            .WithExample("builders", "prepare-env", "--dist", "bookworm", "--include", "debhelper", "--refresh");
    });
    config.AddBranch("repo", repo =>
    {
        repo.SetDescription("Repositories: their distributions, promotions, clean-up, publishing.");
        repo.AddCommand<RepoListCommand>("list")
            .WithDescription("Every repository with its distributions' generations.")
            .WithExample("repo", "list");
        repo.AddCommand<RepoShowCommand>("show")
            .WithDescription("A repository, or one distribution: packages, generation, last publish, live state.")
            .WithExample("repo", "show", "extras-devel/bookworm");
        repo.AddCommand<RepoPromoteCommand>("promote")
            .WithDescription("Copy a source package and all its binaries to another repository.")
            .WithExample("repo", "promote", "hello", "1.0-1", "--from", "extras-devel", "--to", "extras-testing");
        repo.AddCommand<RepoAutoPromoteCommand>("auto-promote")
            .WithDescription("Run the QA ladder's quarantine rules and the stage's rule-based promotions now (they also run on reminders).")
            .WithExample("repo", "auto-promote", "extras-testing");
        repo.AddCommand<RepoRequestPromotionCommand>("request-promotion")
            .WithDescription("Ask for a package to move up the QA ladder: the checks run, and it moves or the failing checks are named.")
            .WithExample("repo", "request-promotion", "hello", "1.0-1", "--from", "extras-devel/bookworm", "--as", "alice");
        repo.AddCommand<RepoVoteCommand>("vote")
            .WithDescription("Enter an account's vote (up = +1, down = -1 with a comment) on a package in a testing repository.")
            .WithExample("repo", "vote", "hello", "1.0-1", "down", "--in", "extras-testing/bookworm", "--as", "bob", "--comment", "crashes on start", "--blocker")
            .WithExample("repo", "vote", "hello", "1.0-1", "up", "--in", "extras-testing/bookworm", "--as", "carol", "--comment", "works on my N900");
        repo.AddCommand<RepoVoidVoteCommand>("void-vote")
            .WithDescription("Void an account's vote on a package, with a reason.")
            .WithExample("repo", "void-vote", "hello", "--in", "extras-testing/bookworm", "--voter", "bob", "--reason", "fixed in 1.0-2");
        repo.AddCommand<RepoExcusesCommand>("excuses")
            .WithDescription("What holds each package from the next repository up: quarantine, karma, blockers, installability, lintian…")
            .WithExample("repo", "excuses", "extras-testing/bookworm")
            .WithExample("repo", "excuses", "extras-testing", "hello", "--json");
        repo.AddCommand<RepoDemoteCommand>("demote")
            .WithDescription("Take a package out of a testing or stable repository, with the reason recorded and mailed to its maintainer.")
            .WithExample("repo", "demote", "hello", "--from", "extras-testing/bookworm", "--reason", "drains the battery");
        repo.AddCommand<RepoRemoveCommand>("remove")
            .WithDescription("Take a source package (one version or all) and its binaries out of a distribution.")
            .WithExample("repo", "remove", "hello", "1.0-1", "--from", "extras-devel/bookworm");
        repo.AddCommand<RepoCleanupCommand>("cleanup")
            .WithDescription("Keep the newest N versions of each package; remove pool files unreferenced for the grace period.")
            .WithExample("repo", "cleanup", "extras-devel", "--keep", "2");
        repo.AddCommand<RepoSyncCommand>("sync")
            .WithDescription("Publish again and make sure the live tree has every pool file.")
            .WithExample("repo", "sync", "extras");
        repo.AddCommand<RepoRollbackCommand>("rollback")
            .WithDescription("Make the packages of an earlier published generation live again.")
            .WithExample("repo", "rollback", "extras-devel/bookworm", "--to", "12");
    });
    config.AddBranch("cluster", cluster =>
    {
        cluster.SetDescription("The silos of the autobuilder.");
        cluster.AddCommand<ClusterStatusCommand>("status")
            .WithDescription("Every silo with its role, host, status and grain counts.")
            .WithExample("cluster", "status", "--cluster", "Host=db;Database=autobuilder;Username=autobuilder");
    });
    config.AddBranch("certs", certs =>
    {
        certs.SetDescription("The autobuilder's certificate authority: who may use the admin plane, with which role.");
        certs.AddCommand<CertsInitCommand>("init")
            .WithDescription("Make the CA, silo certificates and an admin certificate (only what is missing).")
            .WithExample("certs", "init", "--dir", "/etc/autobuilder/certs", "--silo", "garage", "--silo", "builder1", "--silo", "stage");
        certs.AddCommand<CertsIssueCommand>("issue")
            .WithDescription("A user's certificate: reader, operator or admin (one 0600 file: certificate, CA, key).")
            .WithExample("certs", "issue", "alice", "--role", "operator");
        certs.AddCommand<CertsRevokeCommand>("revoke")
            .WithDescription("Refuse every certificate (and dashboard token) of NAME from now on.")
            .WithExample("certs", "revoke", "alice");
        certs.AddCommand<CertsListCommand>("list")
            .WithDescription("Every certificate issued: name, role, serial, expiry, revocation.")
            .WithExample("certs", "list");
        certs.AddCommand<CertsTokenCommand>("token")
            .WithDescription("A dashboard login token for NAME (user NAME, the token as password).")
            .WithExample("certs", "token", "alice");
    });
    config.AddBranch("accounts", accounts =>
    {
        accounts.SetDescription("Uploaders: accounts, their SSH and OpenPGP keys, groups, upload rights and HTTP tokens.");
        accounts.AddCommand<AccountsAddCommand>("add")
            .WithDescription("Add an uploader account (enabled, no keys or rights yet).")
            .WithExample("accounts", "add", "jane", "--name", "Jane Doe", "--email", "jane@example.org", "--group", "maemo");
        accounts.AddCommand<AccountsListCommand>("list")
            .WithDescription("Every account with its state, key counts and groups.")
            .WithExample("accounts", "list", "--json");
        accounts.AddCommand<AccountsShowCommand>("show")
            .WithDescription("One account: keys, tokens (never their secrets), groups and the rights that apply to it.")
            .WithExample("accounts", "show", "jane", "--json");
        accounts.AddCommand<AccountsDisableCommand>("disable")
            .WithDescription("Refuse the account's uploads, SSH logins and tokens (keys and rights stay) until it is enabled.")
            .WithExample("accounts", "disable", "jane", "--reason", "left the project");
        accounts.AddCommand<AccountsEnableCommand>("enable")
            .WithDescription("Let a disabled account upload again.")
            .WithExample("accounts", "enable", "jane");
        accounts.AddCommand<AccountsRemoveCommand>("remove")
            .WithDescription("Remove the account with its keys, tokens and rights (its OpenPGP keys stay in the keyring, refused).")
            .WithExample("accounts", "remove", "jane");
        accounts.AddCommand<AccountsSetGroupsCommand>("set-groups")
            .WithDescription("Make the account's groups exactly these (--group, repeated; none to leave every group).")
            .WithExample("accounts", "set-groups", "jane", "--group", "maemo", "--group", "community");
        accounts.AddCommand<AccountsGroupsCommand>("groups")
            .WithDescription("Every group, its members and the rights granted to it.")
            .WithExample("accounts", "groups");
        accounts.AddBranch("key", key =>
        {
            key.SetDescription("The account's SSH keys (upload area) and OpenPGP keys (signatures).");
            key.AddCommand<AccountsKeyAddCommand>("add")
                .WithDescription("Add an SSH public key (each line) or one OpenPGP public key, from FILE or stdin ('-').")
                .WithExample("accounts", "key", "add", "jane", "--ssh", "jane.pub")
                .WithExample("accounts", "key", "add", "jane", "--openpgp", "-");
            key.AddCommand<AccountsKeyRemoveCommand>("remove")
                .WithDescription("Remove an SSH key (SHA256:…) or an OpenPGP key (40 hex digits; kept as removed, its signatures refused).")
                .WithExample("accounts", "key", "remove", "jane", "SHA256:ohD8VZEXGWo6Ez8GSEJQ9WpafgLFsOfLOtGGQCQo6Og");
        });
        accounts.AddCommand<AccountsGrantCommand>("grant")
            .WithDescription("Let a login or @group upload to REPOSITORY PRODUCT ('*' for any); --source for one source package.")
            .WithExample("accounts", "grant", "jane", "extras-devel", "fremantle")
            .WithExample("accounts", "grant", "@maemo", "extras-devel", "*")
            .WithExample("accounts", "grant", "bob", "extras-devel", "fremantle", "--source", "hello");
        accounts.AddCommand<AccountsRevokeCommand>("revoke")
            .WithDescription("Take back a right exactly as it was granted.")
            .WithExample("accounts", "revoke", "jane", "extras-devel", "fremantle");
        accounts.AddBranch("token", token =>
        {
            token.SetDescription("HTTP upload tokens (dput https: the login as user, the token as password).");
            token.AddCommand<AccountsTokenAddCommand>("add")
                .WithDescription("Make a token for the account; it is shown once.")
                .WithExample("accounts", "token", "add", "jane", "--note", "laptop dput", "--expires", "365d");
            token.AddCommand<AccountsTokenRevokeCommand>("revoke")
                .WithDescription("The token opens nothing from now on.")
                .WithExample("accounts", "token", "revoke", "jane", "0c1f9a2e");
        });
        accounts.AddBranch("role", role =>
        {
            role.SetDescription("The account's role in the web pages.");
            role.AddCommand<AccountsRoleSetCommand>("set")
                .WithDescription("Set the web role: reader, uploader (the default), operator or admin (admins only).")
                .WithExample("accounts", "role", "set", "jane", "operator");
        });
        accounts.AddBranch("password", password =>
        {
            password.SetDescription("The account's password for the web pages (tokens log in too).");
            password.AddCommand<AccountsPasswordSetCommand>("set")
                .WithDescription("Set the web password, read from standard input or asked for; only its hash is kept.")
                .WithExample("accounts", "password", "set", "jane");
        });
        accounts.AddCommand<AccountsSyncCommand>("sync")
            .WithDescription("Write the keyring, SSH key index and authorized_keys again now (also after each change and on a timer).")
            .WithExample("accounts", "sync");
        accounts.AddCommand<AccountsImportCommand>("import")
            .WithDescription("Take in an exported user database, JSON or CSV (docs/accounts-import.md); idempotent.")
            .WithExample("accounts", "import", "gforge-users.csv")
            .WithExample("accounts", "import", "community.json", "--replace-ssh-keys", "--json");
    });
    config.AddCommand<AuditCommand>("audit")
        .WithDescription("Every change users made through the admin plane: who, what, when, result.")
        .WithExample("audit", "--limit", "20");
    config.AddCommand<GcCommand>("gc")
        .WithDescription("Apply Autobuilder:Retention now: files of settled uploads, rejected/, stray/, repo-rejected/, accepted .changes.")
        .WithExample("gc", "--dry-run");
    config.AddBranch("db", db =>
    {
        db.SetDescription("The cluster's PostgreSQL database.");
        db.AddCommand<DbInitCommand>("init")
            .WithDescription("Create or update the schema (membership, grain state, reminders); running it again changes nothing.")
            .WithExample("db", "init", "--connection", "Host=db;Database=autobuilder;Username=autobuilder");
    });
    config.AddBranch("deb", deb =>
    {
        deb.SetDescription("Debian-format tools: versions, indices, upload checks.");
        deb.AddCommand<CompareVersionsCommand>("compare-versions")
            .WithDescription("Like dpkg --compare-versions: exit 0 if 'A RELATION B' holds, 1 if not, 2 on bad input.")
            .WithExample("deb", "compare-versions", "1.0~rc1-1", "lt", "1.0-1");
        deb.AddCommand<VerifyCommand>("verify")
            .WithDescription("Run the garage's acceptance checks on a source upload (.dsc, or its _source.changes), or with --stage the stage's on a .changes of built packages, offline: checks that need a running autobuilder are reported as skipped.")
            .WithExample("deb", "verify", "hello_2.10-3.dsc")
            .WithExample("deb", "verify", "hello_2.10-3_amd64.changes", "--stage");
        deb.AddCommand<ScanCommand>("scan")
            .WithDescription("Print a Packages index for every .deb under DIR, like 'apt-ftparchive packages DIR'.")
            .WithExample("deb", "scan", "pool")
            .WithExample("deb", "scan", "pool", "--cache", "pool.scancache");
    });
});
// Spectre.Console.Cli takes a lone "-" for an option without a name; "-" (stdin, as in
// 'accounts key add jane --openpgp -') reaches the commands as the path of stdin instead.
return ConsoleErrors.Run(() => app.Run(args.Select(a => a == "-" ? AccountsKeyAddCommand.Stdin : a)));
