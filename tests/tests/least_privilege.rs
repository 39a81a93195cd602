//! Least privilege, proven: every DynamoDB, S3 and SSM action a function's code performed in
//! the black-box suite is granted by its role in `template.yaml`, and every grant of those
//! services is used — by the code in the suite, or by the platform for the function (the
//! stream reads of a DynamoDB event source) — or listed in [`JUSTIFIED_UNUSED`] with the
//! reason it stays.
//!
//! The uses come from the ledger the `api` test binary writes when a complete run of it
//! ends (`api_tests::ledger`); cargo runs this binary after it. Run alone, this test reads
//! the ledger of the last complete run of the current `api` binary, and fails without one:
//! `cargo test -p api-tests` runs both. It also fails when a function of the template has
//! no recorded call at all, so it cannot pass on an empty or partial ledger. The report
//! (per function: actions granted, used, unused) is printed and written to
//! `<target>/debug/least-privilege/report.md`.
//!
//! Not covered: `functions/admin/src/bin/migrate-pairs.rs`, an operator's one-off command
//! run with the operator's own credentials, not a Lambda function and not in the template
//! (the suite runs it over a client of its own, which records nothing).

use std::collections::BTreeSet;
use std::fmt::Write as _;

use api_tests::iam::{
    compare, merge, parameter_problems, table, untested_parameters, Comparison, Function,
    Statement, Template,
};
use api_tests::ledger;

/// Grants no test reaches, kept on purpose: (function, statement, grant, why).
const JUSTIFIED_UNUSED: &[(&str, &str, &str, &str)] = &[];

fn template_functions() -> (Template, Vec<Function>) {
    let template = Template::load().unwrap_or_else(|error| panic!("{error}"));
    let functions = template
        .functions()
        .unwrap_or_else(|error| panic!("{error}"));
    assert!(!functions.is_empty(), "template.yaml has no functions");
    (template, functions)
}

fn justified(function: &str, statement: &str, grant: &str) -> bool {
    JUSTIFIED_UNUSED
        .iter()
        .any(|(f, s, g, _)| *f == function && *s == statement && *g == grant)
}

fn listed(items: &BTreeSet<String>) -> String {
    if items.is_empty() {
        "—".to_owned()
    } else {
        items
            .iter()
            .map(|item| item.split_once(':').map_or(item.as_str(), |(_, name)| name))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn service_list(items: &BTreeSet<String>, service: &str) -> BTreeSet<String> {
    items
        .iter()
        .filter(|action| action.starts_with(&format!("{service}:")))
        .cloned()
        .collect()
}

fn report(comparisons: &[(Function, Comparison)], sources: &[String]) -> String {
    let mut text = String::from("# Least privilege: granted and used actions\n\n");
    let _ = writeln!(text, "Ledgers: {}\n", sources.join(", "));
    let mut rows = Vec::new();
    for (function, comparison) in comparisons {
        for service in api_tests::iam::SERVICES {
            let granted = service_list(&comparison.granted, service);
            let used = service_list(&comparison.used, service);
            if granted.is_empty() && used.is_empty() {
                continue;
            }
            let unused: BTreeSet<String> = granted.difference(&used).cloned().collect();
            let ungranted: BTreeSet<String> = used.difference(&granted).cloned().collect();
            rows.push(vec![
                function.binary.clone(),
                service.to_owned(),
                listed(&granted),
                listed(&used),
                listed(&unused),
                listed(&ungranted),
            ]);
        }
    }
    text.push_str(&table(
        &[
            "function",
            "service",
            "granted",
            "used",
            "granted, unused",
            "used, not granted",
        ],
        &rows,
    ));
    text.push_str("\n## What each function needed (action, resource, why)\n\n");
    text.push_str("Object keys are one example per top-level folder.\n\n");
    for (function, comparison) in comparisons {
        let _ = writeln!(text, "{} ({}):", function.binary, function.logical_id);
        for need in &comparison.needs {
            let _ = writeln!(
                text,
                "- {} on {} ({})",
                need.action, need.resource, need.origin
            );
        }
        text.push('\n');
    }
    text.push_str("## Findings\n\n");
    let findings = text.len();
    for (function, comparison) in comparisons {
        let mut lines = Vec::new();
        for line in &comparison.ungranted {
            lines.push(format!("- NOT GRANTED: {line}"));
        }
        for line in &comparison.refused {
            lines.push(format!("- UNREADABLE: {line}"));
        }
        for unused in &comparison.unused {
            let why = JUSTIFIED_UNUSED
                .iter()
                .find(|(f, s, g, _)| {
                    *f == function.binary && *s == unused.statement && *g == unused.grant
                })
                .map_or_else(
                    || "not justified".to_owned(),
                    |(_, _, _, why)| (*why).to_owned(),
                );
            lines.push(format!(
                "- unused: {} {} ({why})",
                unused.statement, unused.grant
            ));
        }
        if !lines.is_empty() {
            let _ = writeln!(
                text,
                "{} ({}):\n{}\n",
                function.binary,
                function.logical_id,
                lines.join("\n")
            );
        }
    }
    if text.len() == findings {
        text.push_str("None: every use is granted and every grant is used.\n");
    }
    text
}

/// The comparison itself (see the module documentation).
/// `function`'s role and its statements, or why it has none to compare.
fn role_statements<'a>(
    template: &Template,
    function: &'a Function,
) -> Result<(&'a str, Vec<Statement>), String> {
    let role = function
        .role
        .as_deref()
        .ok_or_else(|| format!("{} has no Role of the template", function.logical_id))?;
    Ok((role, template.statements(role)?))
}

#[test]
fn every_recorded_call_is_granted_and_every_grant_is_used() {
    let (template, functions) = template_functions();
    let directory = ledger::directory().unwrap_or_else(|error| panic!("{error}"));
    let (ledgers, skipped) = ledger::load(&directory);
    assert!(
        !ledgers.is_empty(),
        "no ledger of a complete run of the api tests in {} ({}): run `cargo test -p \
         api-tests`, which runs them first",
        directory.display(),
        skipped.join("; ")
    );
    let sources: Vec<String> = ledgers
        .iter()
        .map(|ledger| ledger.binary.display().to_string())
        .collect();
    let uses = merge(
        &ledgers
            .iter()
            .map(|ledger| ledger.functions.clone())
            .collect::<Vec<_>>(),
    );

    let mut failures = Vec::new();
    let known: BTreeSet<&str> = functions.iter().map(|f| f.binary.as_str()).collect();
    for function in uses.keys() {
        if !known.contains(function.as_str()) {
            failures.push(format!(
                "calls recorded for {function}, which is no function of the template"
            ));
        }
    }
    let mut comparisons = Vec::new();
    for function in &functions {
        let (role, statements) = match role_statements(&template, function) {
            Ok(found) => found,
            Err(failure) => {
                failures.push(failure);
                continue;
            }
        };
        let used = uses.get(&function.binary).cloned().unwrap_or_default();
        let needs = function
            .needs(&template, &used)
            .unwrap_or_else(|error| panic!("{error}"));
        let comparison = compare(&statements, &needs);
        // A role that grants nothing to prove (the console's: logs and traces only) is
        // proven by the absence of calls; any other role needs the suite to run its code.
        if used.is_empty() && !comparison.unused.is_empty() {
            failures.push(format!(
                "no call of {} was recorded: the suite never ran its code, so its role is \
                 unproven",
                function.binary
            ));
        }
        for line in &comparison.ungranted {
            failures.push(format!(
                "{} ({role}) is not granted {line}",
                function.binary
            ));
        }
        for line in &comparison.refused {
            failures.push(format!("{} ({role}): {line}", function.binary));
        }
        for unused in &comparison.unused {
            if !justified(&function.binary, &unused.statement, &unused.grant) {
                failures.push(format!(
                    "{} ({role}) is granted {} in {}, which no test used: remove it, add a \
                     test that reaches the code needing it, or justify it in JUSTIFIED_UNUSED",
                    function.binary, unused.grant, unused.statement
                ));
            }
        }
        comparisons.push((function.clone(), comparison));
    }
    for (function, statement, grant, _) in JUSTIFIED_UNUSED {
        let still_unused = comparisons.iter().any(|(f, comparison)| {
            f.binary == *function
                && comparison
                    .unused
                    .iter()
                    .any(|u| u.statement == *statement && u.grant == *grant)
        });
        if !still_unused {
            failures.push(format!(
                "JUSTIFIED_UNUSED lists {function} {statement} {grant}, which is used or gone: \
                 drop the entry"
            ));
        }
    }

    let text = report(&comparisons, &sources);
    println!("{text}");
    let path = directory.join("report.md");
    std::fs::write(&path, &text).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    println!("report written to {}", path.display());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// SSM, from the template alone: each role reads parameters by exact ARN (no wildcard in
/// action or resource), and only parameters its function's environment names (Globals
/// and its own). Which of those each function actually reads is proven by the ledger
/// (above): the tests give every `*_PARAMETER` as an SSM parameter, served in process, so
/// reads are recorded like DynamoDB and S3 calls; this test fails for a `*_PARAMETER` of
/// the template that the test configuration gives otherwise.
#[test]
fn ssm_grants_are_exact_parameters_of_the_function_environment() {
    let (template, functions) = template_functions();
    let mut failures = Vec::new();
    for function in &functions {
        let (_, statements) = match role_statements(&template, function) {
            Ok(found) => found,
            Err(failure) => {
                failures.push(failure);
                continue;
            }
        };
        failures.extend(
            parameter_problems(function, &statements)
                .into_iter()
                .map(|problem| format!("{}: {problem}", function.binary)),
        );
    }
    for variable in untested_parameters(&functions) {
        failures.push(format!(
            "{variable} names an SSM parameter in template.yaml, but the tests do not read it \
             through SSM: add it to api_tests::app::TEST_PARAMETERS"
        ));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
