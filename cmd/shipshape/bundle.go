package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/shipshape-dev/shipshape/engine/bundle"
)

func newBundleCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bundle",
		Short: "Build, inspect, verify and serve OPA bundles of a profile",
		Long: `Bundle packages a profile as an OPA bundle: the library, the profile's
parameters and settings as data, and the decision entrypoints
data.shipshape.violations (one Kubernetes object in, its violations out) and
data.shipshape.admission (an AdmissionReview in, its response out). Any OPA
loads it; "bundle serve" serves it to OPA's bundle plugin.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newBundleBuildCommand(e), newBundleInspectCommand(e), newBundleVerifyCommand(e), newBundleServeCommand(e))
	return cmd
}

func newBundleBuildCommand(e *env) *cobra.Command {
	var (
		lib     libraryFlags
		prof    profileFlags
		out     string
		keyFile string
		opts    bundle.Options
	)
	cmd := &cobra.Command{
		Use:   "build -o FILE.tar.gz",
		Short: "Build the OPA bundle of a profile",
		Example: `  shipshape bundle build --profile pss-restricted -o pss-restricted.tar.gz
  shipshape bundle build --profile all --signing-key private.pem --key-id shipshape -o all.tar.gz`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return errors.New("--output FILE is required")
			}
			library, err := lib.load(cmd.Context())
			if err != nil {
				return err
			}
			sel, err := prof.selection(library)
			if err != nil {
				return err
			}
			if keyFile != "" {
				key, err := os.ReadFile(keyFile)
				if err != nil {
					return fmt.Errorf("--signing-key: %w", err)
				}
				opts.SigningKey = string(key)
				if strings.HasPrefix(strings.ToUpper(opts.SigningAlg), "HS") {
					opts.SigningKey = strings.TrimRight(opts.SigningKey, "\r\n")
				}
			}
			opts.Version = versionString()
			data, err := bundle.Build(library, sel, opts)
			if err != nil {
				return err
			}
			if err := os.WriteFile(out, data, 0o644); err != nil {
				return err
			}
			info, err := bundle.Inspect(data)
			if err != nil {
				return err
			}
			signed := "unsigned"
			if info.Signed {
				signed = "signed with " + info.Algorithm
			}
			fmt.Fprintf(e.stdout, "wrote %s: profile %s, %d controls, revision %s, %s\n", out, sel.Profile.Name, len(info.Controls), info.Revision, signed)
			return nil
		},
	}
	lib.register(cmd)
	prof.register(cmd)
	deprecatedProfileAlias(e, cmd, &prof.profile)
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the bundle to `FILE` (.tar.gz)")
	cmd.Flags().StringVar(&keyFile, "signing-key", "", "sign with the private key (PEM) or, for HS*, the secret in `FILE`")
	cmd.Flags().StringVar(&opts.SigningAlg, "signing-alg", "RS256", "signature `ALG`: RS256, ES256, HS256 (and the other JWS algorithms OPA accepts)")
	cmd.Flags().StringVar(&opts.KeyID, "key-id", "", "key `ID` written into the signature (OPA's keys configuration names it)")
	return cmd
}

func newBundleInspectCommand(e *env) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:     "inspect FILE",
		Short:   "Show a bundle's revision, roots, controls, entrypoints and signature",
		Example: "  shipshape bundle inspect pss-restricted.tar.gz\n  shipshape bundle inspect -o json all.tar.gz",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			info, err := bundle.Inspect(data)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			return printBundleInfo(e, args[0], info, output)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "`FORMAT`: text or json")
	return cmd
}

func newBundleVerifyCommand(e *env) *cobra.Command {
	var (
		keyFile, output string
		key             bundle.VerificationKey
	)
	cmd := &cobra.Command{
		Use:     "verify FILE --verification-key KEY",
		Short:   "Check a bundle's signature as OPA would",
		Example: "  shipshape bundle verify all.tar.gz --verification-key public.pem --key-id shipshape",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if keyFile == "" {
				return errors.New("--verification-key FILE is required")
			}
			pem, err := os.ReadFile(keyFile)
			if err != nil {
				return fmt.Errorf("--verification-key: %w", err)
			}
			key.Key = string(pem)
			if strings.HasPrefix(strings.ToUpper(key.Algorithm), "HS") {
				key.Key = strings.TrimRight(key.Key, "\r\n")
			}
			data, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			info, err := bundle.Verify(data, key)
			if err != nil {
				fmt.Fprintf(e.stderr, "shipshape: %s: %v\n", args[0], err)
				return exitError{1}
			}
			return printBundleInfo(e, args[0], info, output)
		},
	}
	cmd.Flags().StringVar(&keyFile, "verification-key", "", "the public key (PEM) or, for HS*, the secret in `FILE`")
	cmd.Flags().StringVar(&key.Algorithm, "verification-alg", "RS256", "signature `ALG`")
	cmd.Flags().StringVar(&key.KeyID, "key-id", "", "the key `ID` the signature must name (any when empty)")
	cmd.Flags().StringVar(&key.Scope, "scope", "", "the `SCOPE` claim the signature must carry")
	cmd.Flags().StringVarP(&output, "output", "o", "text", "`FORMAT`: text or json")
	return cmd
}

func printBundleInfo(e *env, file string, info *bundle.Info, output string) error {
	switch output {
	case "json":
		return writeJSON(e.stdout, info)
	case "text":
	default:
		return fmt.Errorf("--output: unknown format %q (want text or json)", output)
	}
	signature := "none"
	if info.Signed {
		signature = fmt.Sprintf("%s, key id %q", info.Algorithm, info.KeyID)
		if info.Verified {
			signature += ", verified"
		}
	}
	fmt.Fprintf(e.stdout, "bundle       %s\nrevision     %s\nroots        %s\nentrypoints  %s\nsignature    %s\nmodules      %d\ncontrols     %d: %s\n",
		file, info.Revision, strings.Join(info.Roots, ", "), strings.Join(info.Entrypoints, ", "), signature,
		len(info.Modules), len(info.Controls), strings.Join(info.Controls, " "))
	return nil
}

func newBundleServeCommand(e *env) *cobra.Command {
	var (
		addr, token, tokenFile, certFile, keyFile string
		opts                                      bundle.ServerOptions
	)
	cmd := &cobra.Command{
		Use:   "serve BUNDLE...",
		Short: "Serve bundles to OPA's bundle plugin",
		Long: `Serve makes each bundle file available at /<its file name>, as OPA's bundle
plugin downloads it: ETag and If-None-Match (304), long polling (Prefer:
wait=N), bearer-token auth, optional TLS, /healthz. A bundle file that
changes on disk is reloaded and reaches long-polling OPAs at once.`,
		Example: `  shipshape bundle serve --addr 127.0.0.1:8282 --token-file token all.tar.gz
  shipshape bundle serve --tls-cert tls.crt --tls-key tls.key pss-restricted.tar.gz all.tar.gz`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if tokenFile != "" {
				if token != "" {
					return errors.New("--token and --token-file exclude each other")
				}
				b, err := os.ReadFile(tokenFile)
				if err != nil {
					return fmt.Errorf("--token-file: %w", err)
				}
				token = strings.TrimSpace(string(b))
				if token == "" {
					return fmt.Errorf("--token-file %s is empty", tokenFile)
				}
			}
			if (certFile == "") != (keyFile == "") {
				return errors.New("--tls-cert and --tls-key go together")
			}
			opts.Token = token
			opts.Logf = func(format string, a ...any) { fmt.Fprintf(e.stderr, "shipshape: "+format+"\n", a...) }
			srv, err := bundle.NewServer(args, opts)
			if err != nil {
				return err
			}
			return serveBundles(cmd.Context(), e, srv, addr, certFile, keyFile, opts.MaxWait)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8282", "listen on `HOST:PORT`")
	cmd.Flags().StringVar(&token, "token", "", "require `TOKEN` as bearer token (prefer --token-file: arguments are visible to other users)")
	cmd.Flags().StringVar(&tokenFile, "token-file", "", "require the bearer token in `FILE`")
	cmd.Flags().StringVar(&certFile, "tls-cert", "", "serve HTTPS with the certificate in `FILE`")
	cmd.Flags().StringVar(&keyFile, "tls-key", "", "and the private key in `FILE`")
	cmd.Flags().DurationVar(&opts.MaxWait, "max-wait", 60*time.Second, "hold long-polling requests at most `DURATION`")
	cmd.Flags().DurationVar(&opts.ReloadInterval, "reload-interval", time.Second, "check bundle files for changes every `DURATION`")
	return cmd
}

// serveBundles runs the server until ctx ends, then shuts down gracefully.
func serveBundles(ctx context.Context, e *env, srv *bundle.Server, addr, certFile, keyFile string, maxWait time.Duration) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if maxWait <= 0 {
		maxWait = 60 * time.Second
	}
	httpSrv := bundle.HTTPServer(addr, srv, maxWait)
	httpSrv.BaseContext = func(net.Listener) context.Context { return ctx }
	if certFile != "" {
		httpSrv.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	scheme := "http"
	if certFile != "" {
		scheme = "https"
	}
	fmt.Fprintf(e.stderr, "shipshape: serving bundles at %s://%s\n", scheme, ln.Addr())
	go srv.Watch(ctx)
	errc := make(chan error, 1)
	go func() {
		if certFile != "" {
			errc <- httpSrv.ServeTLS(ln, certFile, keyFile)
		} else {
			errc <- httpSrv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Cancelling the base context releases long-polling requests at once.
	shutdown, stop := context.WithTimeout(context.Background(), 10*time.Second)
	defer stop()
	if err := httpSrv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	fmt.Fprintln(e.stderr, "shipshape: stopped")
	return nil
}
