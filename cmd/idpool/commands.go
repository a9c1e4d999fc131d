package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"strings"

	"github.com/idpool/idpool/emulator"
)

// Settings of the command alone: the emulator package has no listener
// and no log output of its own.
const (
	defaultAddr = "127.0.0.1:9230"
	addrEnv     = "IDPOOL_ADDR"
	addrFileEnv = "IDPOOL_ADDR_FILE"
	levelEnv    = "IDPOOL_LOG_LEVEL"
	tlsCertEnv  = "IDPOOL_TLS_CERT"
	tlsKeyEnv   = "IDPOOL_TLS_KEY"
)

// usageError is a mistake in the command line: main exits 2 on it, and 1
// on any other error.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// exitCode reports err on stderr, if there is one worth showing, and
// returns the process's exit code: 0 for none or a help request.
func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, new(usageError)):
		fmt.Fprintf(stderr, "idpool: %v\nRun 'idpool --help' for usage.\n", err)
		return 2
	default:
		fmt.Fprintln(stderr, "idpool:", err)
		return 1
	}
}

// command is one subcommand: its flags and what it does with them.
type command struct {
	name, args, doc string
	// flags defines the command's flags on fs and returns the function
	// that runs it once fs is parsed.
	flags func(fs *flag.FlagSet, getenv func(string) string) (func(ctx context.Context, stdout, stderr io.Writer) error, error)
}

var commands = []command{
	{"serve", "[flags]", "Run the server until interrupted (the default command).", serveFlags},
	{"health", "[--addr host:port [--tls-cert FILE]] [--addr-file FILE]", "Exit 0 when the idpool server answers its health check (the Docker image's HEALTHCHECK).\n" +
		"The address is --addr if given, else the one in the --addr-file file (IDPOOL_ADDR_FILE, written by serve),\n" +
		"else IDPOOL_ADDR. An address file that is given but missing fails the check, as its server has not\n" +
		"started yet. A server serving HTTPS is asked over HTTPS, trusting its --tls-cert: the one in the\n" +
		"address file, else --tls-cert (IDPOOL_TLS_CERT).", healthFlags},
	{"export", "--db FILE [--fixtures PATH] > fixtures.json", "Write the state of an existing database as a fixture file to stdout.\n" +
		"Only --db and --fixtures change what it writes. It takes serve's other flags and IDPOOL_* environment\n" +
		"too, checked as serve checks them, so that a server's settings can be given to it unchanged.", exportFlags},
	{"version", "", "Print the version and commit.", versionFlags},
}

// run runs the subcommand named by args[0] (serve when absent or a flag).
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	name := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	if len(args) > 0 && (args[0] == "--version" || args[0] == "-version") {
		name, args = "version", args[1:]
	}
	if name == "help" {
		if len(args) == 0 {
			return printUsage(stdout)
		}
		name, args = args[0], []string{"--help"}
	}
	var cmd *command
	for i := range commands {
		if commands[i].name == name {
			cmd = &commands[i]
		}
	}
	if cmd == nil {
		return usageError{fmt.Errorf("unknown command %q (want serve, health, export or version)", name)}
	}
	fs := flag.NewFlagSet("idpool "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	exec, err := cmd.flags(fs, getenv)
	if err != nil {
		return usageError{err}
	}
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		if name == "serve" {
			printUsage(stdout)
			return err
		}
		printCommandUsage(stdout, cmd, fs)
		return err
	} else if err != nil {
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	return exec(ctx, stdout, stderr)
}

// printUsage writes the whole usage: the commands and the server's flags.
func printUsage(w io.Writer) error {
	fmt.Fprint(w, "usage: idpool [command] [flags]\n\nidpool emulates Amazon Cognito Identity, AWS STS and Amazon Cognito Sync on one port.\n\nCommands:\n")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, strings.SplitN(c.doc, "\n", 2)[0])
	}
	fmt.Fprint(w, "\nRun 'idpool COMMAND --help' for the flags of a command. Every flag has an IDPOOL_*\nenvironment variable; flags win.\n\n")
	fs := flag.NewFlagSet("idpool serve", flag.ContinueOnError)
	if _, err := serveFlags(fs, noEnv); err != nil {
		return err
	}
	fmt.Fprint(w, "Flags of serve:\n")
	fs.SetOutput(w)
	fs.PrintDefaults()
	return nil
}

func printCommandUsage(w io.Writer, c *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: idpool %s %s\n\n%s\n", c.name, c.args, c.doc)
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		fmt.Fprint(w, "\nFlags:\n")
		fs.SetOutput(w)
		fs.PrintDefaults()
	}
}

func noEnv(string) string { return "" }

// envOr returns the environment variable key, or def when it is empty.
func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

// serveOptions are the settings of serve, which export takes too.
type serveOptions struct {
	cfg      *emulator.Config
	addr     string
	addrFile string
	logLevel string
	// tlsCert and tlsKey are the PEM files of the certificate (its chain)
	// and private key serve answers HTTPS with; both empty for plain HTTP.
	tlsCert, tlsKey string
	// fs is the flag set the settings were parsed from; Validate reads
	// which flags were given.
	fs *flag.FlagSet
}

// bindServe defines serve's flags on fs, with their defaults from the
// IDPOOL_* environment read through getenv; parsing fs fills in the
// returned options.
func bindServe(fs *flag.FlagSet, getenv func(string) string) *serveOptions {
	o := &serveOptions{fs: fs}
	fs.StringVar(&o.addr, "addr", envOr(getenv, addrEnv, defaultAddr), "address to listen on (host:port; port 0 picks a free one); serve prints the URL it listens on to stdout, once, its only output there (env "+addrEnv+")")
	fs.StringVar(&o.addrFile, "addr-file", getenv(addrFileEnv), "file to write the address listened on (and, on a second line, the --tls-cert path) to once listening, for 'idpool health' and programs that wait for it; a stale one is removed at start, a running server's stops this one at start, and it is removed at stop; in a directory that must exist (env "+addrFileEnv+")")
	fs.StringVar(&o.logLevel, "log-level", envOr(getenv, levelEnv, "info"), "log level: debug, info, warn or error (env "+levelEnv+")")
	fs.StringVar(&o.tlsCert, "tls-cert", getenv(tlsCertEnv), "PEM file of the certificate (and its chain) to serve HTTPS with, on --addr; with --tls-key (env "+tlsCertEnv+")")
	fs.StringVar(&o.tlsKey, "tls-key", getenv(tlsKeyEnv), "PEM file of the private key of --tls-cert (env "+tlsKeyEnv+")")
	o.cfg = emulator.Bind(fs, getenv)
	return o
}

// Validate reports every problem with the settings at once. Every command
// that takes serve's settings calls it, so that a setting serve would
// refuse is refused wherever it is given.
func (o *serveOptions) Validate() error {
	errs := []error{emptyFlags(o.fs)}
	if _, port, err := net.SplitHostPort(o.addr); err != nil {
		errs = append(errs, fmt.Errorf("addr %q: want host:port", o.addr))
	} else if _, err := net.LookupPort("tcp", port); err != nil {
		errs = append(errs, fmt.Errorf("addr %q: want a port from 0 to 65535", o.addr))
	}
	if _, err := o.level(); err != nil {
		errs = append(errs, fmt.Errorf("log-level %q: want debug, info, warn or error", o.logLevel))
	}
	if err := o.tlsPair(); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, o.cfg.Validate())
	return errors.Join(errs...)
}

// tlsPair checks that --tls-cert and --tls-key are given both or
// neither.
func (o *serveOptions) tlsPair() error {
	switch {
	case o.tlsCert != "" && o.tlsKey == "":
		return fmt.Errorf("tls-cert %q: give --tls-key (%s) too, the file of its private key", o.tlsCert, tlsKeyEnv)
	case o.tlsCert == "" && o.tlsKey != "":
		return fmt.Errorf("tls-key %q: give --tls-cert (%s) too, the file of its certificate", o.tlsKey, tlsCertEnv)
	}
	return nil
}

// tlsConfig returns the TLS settings serve listens with: nil for plain
// HTTP, when neither --tls-cert nor --tls-key is given, else the
// certificate and key they name, which must be readable PEM and belong
// together (see loadKeyPair). Like a --fixtures or --db file that cannot
// be read, files that cannot be used are an error of the files, not of
// the command line: it is exit 1, without the usage hint. Serve and
// export call it once the settings are valid, before the store opens.
func (o *serveOptions) tlsConfig() (*tls.Config, error) {
	if o.tlsCert == "" || o.tlsKey == "" {
		return nil, nil
	}
	cert, err := loadKeyPair(o.tlsCert, o.tlsKey)
	if err != nil {
		return nil, err
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}}, nil
}

// level is the log level o names.
func (o *serveOptions) level() (slog.Level, error) {
	var l slog.Level
	err := l.UnmarshalText([]byte(o.logLevel))
	return l, err
}

func serveFlags(fs *flag.FlagSet, getenv func(string) string) (func(context.Context, io.Writer, io.Writer) error, error) {
	o := bindServe(fs, getenv)
	return func(ctx context.Context, stdout, stderr io.Writer) error {
		if err := o.Validate(); err != nil {
			return usageError{err}
		}
		tlsConfig, err := o.tlsConfig()
		if err != nil {
			return err
		}
		return serve(ctx, o, tlsConfig, stdout, stderr)
	}, nil
}

func healthFlags(fs *flag.FlagSet, getenv func(string) string) (func(context.Context, io.Writer, io.Writer) error, error) {
	addr := fs.String("addr", envOr(getenv, addrEnv, defaultAddr), "address of the server (host:port) (env "+addrEnv+")")
	addrFile := fs.String("addr-file", getenv(addrFileEnv), "file the server wrote its address (and --tls-cert) to; read unless --addr is given, and an error while missing (env "+addrFileEnv+")")
	cert := fs.String("tls-cert", getenv(tlsCertEnv), "with --addr: the server's --tls-cert, to ask it over HTTPS trusting that certificate (env "+tlsCertEnv+")")
	return func(ctx context.Context, _, _ io.Writer) error {
		explicit := false
		fs.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "addr" })
		target, err := healthTargetOf(*addr, *cert, explicit, *addrFile)
		if err != nil {
			return err
		}
		return health(ctx, target)
	}, nil
}

func exportFlags(fs *flag.FlagSet, getenv func(string) string) (func(context.Context, io.Writer, io.Writer) error, error) {
	o := bindServe(fs, getenv)
	return func(ctx context.Context, stdout, stderr io.Writer) error {
		if err := o.Validate(); err != nil {
			return usageError{err}
		}
		if _, err := o.tlsConfig(); err != nil {
			return err
		}
		// Warnings (a reset a crash interrupted) go to stderr, as
		// serve's log does: stdout is the fixture file.
		level, _ := o.level() // checked by Validate
		logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
		cfg := *o.cfg
		if !accountGiven(fs, getenv) {
			// The default account is this command's, not necessarily
			// the server's: Export then finds the store's own.
			cfg.AccountID = ""
		}
		return emulator.Export(ctx, cfg, stdout, logger)
	}, nil
}

// accountGiven reports whether the account was given to a command whose
// flags are on fs: by --account-id, or by IDPOOL_ACCOUNT_ID read through
// getenv.
func accountGiven(fs *flag.FlagSet, getenv func(string) string) bool {
	given := getenv("IDPOOL_ACCOUNT_ID") != ""
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == "account-id" })
	return given
}

// mustHaveValue are the flags whose empty value would silently stand for
// their default: given empty, they are a mistake (an unset variable in a
// script), refused as any other bad value is. An empty IDPOOL_* variable
// is unset, as the shell's ${VAR:-default} takes it.
var mustHaveValue = []string{"region", "account-id", "issuer", "tls-cert", "tls-key"}

// emptyFlags reports the flags of mustHaveValue given with an empty value.
func emptyFlags(fs *flag.FlagSet) error {
	var errs []error
	fs.Visit(func(f *flag.Flag) {
		if f.Value.String() == "" && slices.Contains(mustHaveValue, f.Name) {
			errs = append(errs, fmt.Errorf("%s: must not be empty", f.Name))
		}
	})
	return errors.Join(errs...)
}

func versionFlags(*flag.FlagSet, func(string) string) (func(context.Context, io.Writer, io.Writer) error, error) {
	return func(_ context.Context, stdout, _ io.Writer) error {
		_, err := fmt.Fprintln(stdout, versionString())
		return err
	}, nil
}
