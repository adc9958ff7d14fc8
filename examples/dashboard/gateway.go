package main

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/hubkit-dev/hubkit/gateway"
	"github.com/hubkit-dev/hubkit/platform"
)

// apiGwKindID is the ID of the gateway domain's kind (gateway.Domain): its
// form is the schema-drawn one with dedicated fields (gatewayFields), and
// its page shows the gateway's URL (gatewayURL).
const apiGwKindID = "apigws.operator.scc-digitalhub.github.io"

// errNoWorkloads says a form's Services cannot be listed: there is no
// platform.
var errNoWorkloads = errors.New("no workloads client")

// The paths of an ApiGw's fields the form refines.
const (
	gwServicePath  = "spec.service"
	gwPortPath     = "spec.port"
	gwHostPath     = "spec.host"
	gwAuthTypePath = "spec.auth.type"
	gwBasicPath    = "spec.auth.basic"
)

// portsJoin joins a Service's ports on its option of a Service select
// (data-ports="3000,8080").
const portsJoin = ","

// gatewayFields makes the schema-drawn form of an ApiGw its dedicated one,
// as the resource manager has it: its Service picked among the
// namespace's, and its port among the picked Service's (the first by
// default); its host filled from its name, "<name>.services.<domain>",
// while the user has not typed another (nothing when the domain is
// unknown); its path "/"; its authentication none or basic, the user and
// password shown only for basic, the password unseen. When the Services
// cannot be listed, the Service and port stay a text and a number. Other
// kinds' fields are left as they are.
func gatewayFields(ctx context.Context, p *platform.Platform, crdID, domain string, fields []formField) {
	if crdID != apiGwKindID {
		return
	}
	if names, ports, err := servicePorts(ctx, p); err == nil {
		refine(fields, gwServicePath, func(f *formField) {
			f.Kind, f.Type, f.Options, f.Ports = selectField, typeString, names, ports
			f.Required, f.Description = true, ""
			f.Note = "The Service of this namespace to expose."
		})
		refine(fields, gwPortPath, func(f *formField) {
			f.Kind, f.Type, f.PortsOf, f.NoneLabel = selectField, typeInteger, gwServicePath, "Pick a Service first"
			f.Required, f.Description = true, ""
			f.Note = "One of the picked Service's ports: its first, unless you pick another."
		})
	} else {
		refine(fields, gwServicePath, func(f *formField) { f.Required = true })
		refine(fields, gwPortPath, func(f *formField) {
			f.Required, f.Min, f.Max = true, "1", "65535"
			f.Note = "One of the Service's ports."
		})
	}
	refine(fields, gwHostPath, func(f *formField) {
		f.Required, f.Pattern, f.MaxLength, f.Description = true, dns1123Subdomain, "253", ""
		f.Note = "The DNS name the Service is reached at."
		if domain != "" {
			suffix := ".services." + domain
			f.FillFrom, f.FillSuffix, f.Placeholder = "metadata.name", suffix, "<name>"+suffix
			f.Note = "The DNS name the Service is reached at. By default " + gateway.DefaultHost("<name>", domain) + ", filled as you type the name; type another to change it."
		}
	})
	refine(fields, "spec.path", func(f *formField) {
		f.Required, f.Default, f.Pattern, f.Description = true, gateway.DefaultPath, "/.*", ""
		f.Note = "The path prefix the Service is reached at, starting with /: / exposes all of it."
	})
	refine(fields, "spec.auth", func(f *formField) { f.Label, f.Description, f.Note = "authentication", "", "" })
	refine(fields, gwAuthTypePath, func(f *formField) {
		f.Kind, f.Type, f.Options, f.Default = selectField, typeString, []string{gateway.AuthNone, gateway.AuthBasic}, gateway.AuthNone
		f.Required, f.Description = true, ""
		f.Note = "None lets anyone in; basic, only the user below with its password (it needs the nginx ingress class)."
	})
	refine(fields, gwBasicPath, func(f *formField) {
		f.ShowIf, f.ShowValue = gwAuthTypePath, gateway.AuthBasic
		f.Description, f.Note = "", "The one user let in."
	})
	for _, path := range []string{gwBasicPath + ".user", gwBasicPath + ".password"} {
		refine(fields, path, func(f *formField) { f.Required, f.Description = true, "" })
	}
	refine(fields, gwBasicPath+".user", func(f *formField) {
		f.Pattern, f.Note = "[^:]+", "A name without ':'."
	})
	refine(fields, gwBasicPath+".password", func(f *formField) { f.Note = "Typed unseen, and never shown again." })
	order(fields, "metadata.name", gwHostPath, "spec.path", gwServicePath, gwPortPath, "spec.auth", gwAuthTypePath, gwBasicPath,
		gwBasicPath+".user", gwBasicPath+".password")
	settleShown(fields, fields)
}

// editGatewayFields makes the create form of an ApiGw, filled from an
// object (fillFields), its edit form: the port select offers the ports of
// the Service picked (and the object's port, which fillFields added), the
// host follows the name no more (an object's name cannot change), the
// password, never shown, is typed again, an authentication type left empty
// is none, and the user and password show when it is basic. Other kinds' fields are left as they are.
func editGatewayFields(crdID string, fields []formField) {
	if crdID != apiGwKindID {
		return
	}
	var ports map[string]string
	var service string
	refine(fields, gwServicePath, func(f *formField) { ports, service = f.Ports, f.Default })
	refine(fields, gwPortPath, func(f *formField) {
		if f.PortsOf == "" {
			return
		}
		options := splitPorts(ports[service])
		for _, o := range f.Options {
			if !strings.Contains(","+ports[service]+",", ","+o+",") {
				options = append(options, o)
			}
		}
		f.Options = options
	})
	refine(fields, gwPortPath, func(f *formField) {
		if f.PortsOf != "" {
			f.Note = "One of the picked Service's ports."
		}
	})
	refine(fields, gwHostPath, func(f *formField) {
		f.FillFrom, f.FillSuffix, f.Placeholder = "", "", ""
		f.Note = "The DNS name the Service is reached at."
	})
	refine(fields, gwBasicPath+".password", func(f *formField) {
		f.Note = "Not shown: type it again to save the gateway."
	})
	refine(fields, gwAuthTypePath, func(f *formField) {
		if f.Default == "" {
			f.Default = gateway.AuthNone
		}
	})
	settleShown(fields, fields)
}

// splitPorts returns the ports of a Service's data-ports, none for "".
func splitPorts(ports string) []string {
	if ports == "" {
		return nil
	}
	return strings.Split(ports, portsJoin)
}

// servicePorts returns the names of the namespace's Services, sorted, and
// each one's ports joined by portsJoin, by name: the choices of a
// gateway's Service and port.
func servicePorts(ctx context.Context, p *platform.Platform) ([]string, map[string]string, error) {
	if p == nil || p.Workloads() == nil {
		return nil, nil, errNoWorkloads
	}
	list, err := p.Workloads().Services(ctx)
	if err != nil {
		return nil, nil, err
	}
	names := make([]string, 0, len(list))
	ports := make(map[string]string, len(list))
	for _, svc := range list {
		names = append(names, svc.Name)
		numbers := make([]string, 0, len(svc.Ports))
		for _, port := range svc.Ports {
			numbers = append(numbers, strconv.Itoa(int(port.Port)))
		}
		ports[svc.Name] = strings.Join(numbers, portsJoin)
	}
	return names, ports, nil
}

// gatewayURL returns the URL the ApiGw obj (as the API shows it) is
// reached at outside the cluster, https assumed: its host and path; empty
// for another kind, or a gateway without a host.
func gatewayURL(crdID string, obj map[string]any) string {
	if crdID != apiGwKindID {
		return ""
	}
	spec, _ := obj["spec"].(map[string]any)
	host, _ := spec["host"].(string)
	path, _ := spec["path"].(string)
	if host == "" {
		return ""
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	return "https://" + host + path
}
