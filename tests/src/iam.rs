//! The functions' IAM roles as `template.yaml` declares them, and their comparison with
//! what the functions' code did in the test suite (the [`ledger`](crate::ledger)).
//!
//! In scope: the actions on DynamoDB, S3 and SSM (`dynamodb:`, `s3:`, `ssm:`), with their
//! resources. Log-group and assume-role statements are not (they are the same for every
//! function and not exercised by the code). A use is granted when an `Allow` statement of
//! the role (inline or an `AWS::IAM::Policy` attached to it) holds both its action and its
//! resource, wildcards read as IAM reads them; the test fails on anything it cannot read
//! (`NotAction`, `NotResource`, `Condition`, managed policies), rather than guess.
//!
//! Resources are compared as the template writes them, intrinsics turned into `${…}`
//! references (`!GetAtt Table.Arn` → `${Table.Arn}`, `!Ref X` → `${X}`, `!Sub` as written;
//! a bucket referred to by its logical id becomes its `BucketName`). What a use acted on
//! becomes the same form through the function's environment: `TABLE_NAME` names the table
//! (`${Table.Arn}`, `${Table.Arn}/index/GSI1`), `BUCKET_NAME` the bucket
//! (`arn:${AWS::Partition}:s3:::<bucket>/<key>`), and each `*_PARAMETER` variable an SSM
//! parameter (`arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter<name>`).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde_yaml_ng::Value;

use crate::app::TEST_PARAMETERS;
use crate::ledger::{Target, Use, Uses};
use crate::workspace_root;

/// The services whose actions are checked.
pub const SERVICES: [&str; 3] = ["dynamodb", "s3", "ssm"];

/// The actions the Lambda service performs with a function's role to read a DynamoDB
/// stream it is subscribed to (its event source mapping), not the function's code.
pub const STREAM_READER_ACTIONS: [&str; 4] = [
    "dynamodb:DescribeStream",
    "dynamodb:GetRecords",
    "dynamodb:GetShardIterator",
    "dynamodb:ListStreams",
];

/// `template.yaml`, parsed.
pub struct Template {
    document: Value,
}

/// One `AWS::Serverless::Function` of the template.
#[derive(Debug, Clone)]
pub struct Function {
    /// Logical id (`AuthFunction`).
    pub logical_id: String,
    /// The crate and binary it is built from (`Metadata.BuildProperties.Binary`).
    pub binary: String,
    /// Logical id of its role (`Role: !GetAtt XRole.Arn`).
    pub role: Option<String>,
    /// Its environment: `Globals.Function.Environment` overlaid with its own, as
    /// expressions.
    pub environment: BTreeMap<String, String>,
    /// The streams its DynamoDB events read, as expressions.
    pub streams: Vec<String>,
    /// Whether it has HttpApi events.
    pub has_routes: bool,
}

/// One statement of a role's policies.
#[derive(Debug, Clone)]
pub struct Statement {
    /// Where it is: `policy/Sid` (or `policy/#index`).
    pub name: String,
    /// `Allow` or `Deny`.
    pub effect: String,
    /// Its actions.
    pub actions: Vec<String>,
    /// Its resources, as expressions.
    pub resources: Vec<String>,
    /// What it holds that this check cannot read (`NotAction`, `Condition`, …).
    pub unreadable: Vec<String>,
}

impl Statement {
    fn in_scope(&self) -> bool {
        self.actions.iter().any(|action| in_scope(action))
    }
}

/// Whether `action` belongs to one of the [`SERVICES`].
pub fn in_scope(action: &str) -> bool {
    action
        .split_once(':')
        .is_some_and(|(service, _)| SERVICES.contains(&service.to_ascii_lowercase().as_str()))
}

fn field<'a>(value: &'a Value, name: &str) -> Option<&'a Value> {
    value.as_mapping().and_then(|mapping| mapping.get(name))
}

fn list(value: Option<&Value>) -> Vec<&Value> {
    match value {
        None => Vec::new(),
        Some(Value::Sequence(items)) => items.iter().collect(),
        Some(one) => vec![one],
    }
}

impl Template {
    /// `template.yaml` of the workspace.
    pub fn load() -> Result<Template, String> {
        let text = std::fs::read_to_string(workspace_root().join("template.yaml"))
            .map_err(|error| error.to_string())?;
        Template::parse(&text)
    }

    /// A template from its text.
    pub fn parse(text: &str) -> Result<Template, String> {
        let document = serde_yaml_ng::from_str(text).map_err(|error| error.to_string())?;
        Ok(Template { document })
    }

    fn resources(&self) -> impl Iterator<Item = (&str, &Value)> {
        field(&self.document, "Resources")
            .and_then(Value::as_mapping)
            .into_iter()
            .flatten()
            .filter_map(|(id, resource)| Some((id.as_str()?, resource)))
    }

    fn resource(&self, id: &str) -> Option<&Value> {
        field(&self.document, "Resources").and_then(|resources| field(resources, id))
    }

    fn resource_type(&self, id: &str) -> Option<&str> {
        self.resource(id)
            .and_then(|resource| field(resource, "Type"))
            .and_then(Value::as_str)
    }

    /// `value` as an expression: intrinsics become `${…}` references, and a bucket named
    /// by its logical id becomes its `BucketName`.
    pub fn expression(&self, value: &Value) -> Result<String, String> {
        let raw = raw_expression(value)?;
        Ok(self.with_bucket_names(&raw))
    }

    fn with_bucket_names(&self, expression: &str) -> String {
        let mut expression = expression.to_owned();
        for (id, resource) in self.resources() {
            if field(resource, "Type").and_then(Value::as_str) != Some("AWS::S3::Bucket") {
                continue;
            }
            let Some(name) = field(resource, "Properties")
                .and_then(|properties| field(properties, "BucketName"))
                .and_then(|name| raw_expression(name).ok())
            else {
                continue;
            };
            expression = expression
                .replace(
                    &format!("${{{id}.Arn}}"),
                    &format!("arn:${{AWS::Partition}}:s3:::{name}"),
                )
                .replace(&format!("${{{id}}}"), &name);
        }
        expression
    }

    fn environment(&self, properties: Option<&Value>) -> Result<BTreeMap<String, String>, String> {
        let variables = properties
            .and_then(|p| field(p, "Environment"))
            .and_then(|e| field(e, "Variables"))
            .and_then(Value::as_mapping);
        let mut environment = BTreeMap::new();
        for (name, value) in variables.into_iter().flatten() {
            let name = name.as_str().ok_or("a variable name is not a string")?;
            environment.insert(name.to_owned(), self.expression(value)?);
        }
        Ok(environment)
    }

    /// Every function of the template.
    pub fn functions(&self) -> Result<Vec<Function>, String> {
        let globals = field(&self.document, "Globals").and_then(|g| field(g, "Function"));
        let global_environment = self.environment(globals)?;
        let mut functions = Vec::new();
        for (id, resource) in self.resources() {
            if field(resource, "Type").and_then(Value::as_str) != Some("AWS::Serverless::Function")
            {
                continue;
            }
            let binary = field(resource, "Metadata")
                .and_then(|m| field(m, "BuildProperties"))
                .and_then(|b| field(b, "Binary"))
                .and_then(Value::as_str)
                .ok_or_else(|| format!("{id} has no Metadata.BuildProperties.Binary"))?;
            let properties = field(resource, "Properties");
            let role = match properties.and_then(|p| field(p, "Role")) {
                None => None,
                Some(role) => {
                    let expression = self.expression(role)?;
                    let id = expression
                        .strip_prefix("${")
                        .and_then(|rest| rest.strip_suffix(".Arn}"))
                        .ok_or_else(|| {
                            format!("{id}: Role {expression} is not a role of this template")
                        })?;
                    Some(id.to_owned())
                }
            };
            let mut environment = global_environment.clone();
            environment.extend(self.environment(properties)?);
            let events = properties
                .and_then(|p| field(p, "Events"))
                .and_then(Value::as_mapping);
            let mut streams = Vec::new();
            let mut has_routes = false;
            for event in events.into_iter().flat_map(|events| events.values()) {
                match field(event, "Type").and_then(Value::as_str) {
                    Some("HttpApi") => has_routes = true,
                    Some("DynamoDB") => {
                        let stream = field(event, "Properties")
                            .and_then(|p| field(p, "Stream"))
                            .ok_or_else(|| format!("{id}: a DynamoDB event has no Stream"))?;
                        streams.push(self.expression(stream)?);
                    }
                    _ => {}
                }
            }
            functions.push(Function {
                logical_id: id.to_owned(),
                binary: binary.to_owned(),
                role,
                environment,
                streams,
                has_routes,
            });
        }
        Ok(functions)
    }

    /// The statements of role `role`: its inline policies and every `AWS::IAM::Policy`
    /// attached to it. A managed policy is an error: its actions are not in the template.
    pub fn statements(&self, role: &str) -> Result<Vec<Statement>, String> {
        let resource = self
            .resource(role)
            .filter(|_| self.resource_type(role) == Some("AWS::IAM::Role"))
            .ok_or_else(|| format!("{role} is not an AWS::IAM::Role of the template"))?;
        let properties = field(resource, "Properties");
        if properties
            .and_then(|p| field(p, "ManagedPolicyArns"))
            .is_some()
        {
            return Err(format!(
                "{role} has ManagedPolicyArns, whose actions this check cannot see"
            ));
        }
        let mut statements = Vec::new();
        for policy in list(properties.and_then(|p| field(p, "Policies"))) {
            let name = field(policy, "PolicyName")
                .and_then(Value::as_str)
                .unwrap_or("policy");
            let document = field(policy, "PolicyDocument")
                .ok_or_else(|| format!("{role}: policy {name} has no document"))?;
            statements.extend(self.document_statements(name, document)?);
        }
        for (id, resource) in self.resources() {
            let kind = field(resource, "Type").and_then(Value::as_str);
            let properties = field(resource, "Properties");
            let roles = list(properties.and_then(|p| field(p, "Roles")));
            let attached = roles
                .into_iter()
                .any(|r| self.expression(r).ok().as_deref() == Some(&format!("${{{role}}}")));
            match kind {
                Some("AWS::IAM::Policy") if attached => {
                    let document = properties
                        .and_then(|p| field(p, "PolicyDocument"))
                        .ok_or_else(|| format!("{id} has no PolicyDocument"))?;
                    statements.extend(self.document_statements(id, document)?);
                }
                Some("AWS::IAM::ManagedPolicy") if attached => {
                    return Err(format!(
                        "{id} is a managed policy attached to {role}: declare its grants \
                         inline or extend this check"
                    ))
                }
                _ => {}
            }
        }
        Ok(statements)
    }

    fn document_statements(
        &self,
        policy: &str,
        document: &Value,
    ) -> Result<Vec<Statement>, String> {
        let mut statements = Vec::new();
        for (index, statement) in list(field(document, "Statement")).into_iter().enumerate() {
            let name = match field(statement, "Sid").and_then(Value::as_str) {
                Some(sid) => format!("{policy}/{sid}"),
                None => format!("{policy}/#{index}"),
            };
            let strings = |key: &str| -> Result<Vec<String>, String> {
                list(field(statement, key))
                    .into_iter()
                    .map(|value| self.expression(value))
                    .collect()
            };
            let unreadable = ["NotAction", "NotResource", "NotPrincipal", "Condition"]
                .into_iter()
                .filter(|key| field(statement, key).is_some())
                .map(str::to_owned)
                .collect();
            statements.push(Statement {
                name,
                effect: field(statement, "Effect")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                actions: strings("Action")?,
                resources: strings("Resource")?,
                unreadable,
            });
        }
        Ok(statements)
    }
}

/// `value` as an expression, intrinsic functions in their short (`!Ref`) or long
/// (`{Ref: …}`) forms.
/// An argument of an intrinsic as written: a list in brackets, anything else as
/// [`raw_expression`] reads it.
fn written(value: &Value) -> Result<String, String> {
    match value {
        Value::Sequence(items) => Ok(format!(
            "[{}]",
            items
                .iter()
                .map(written)
                .collect::<Result<Vec<_>, _>>()?
                .join(", ")
        )),
        other => raw_expression(other),
    }
}

fn raw_expression(value: &Value) -> Result<String, String> {
    let intrinsic = |name: &str, argument: &Value| -> Result<String, String> {
        match (name, argument) {
            ("Ref", Value::String(id)) => Ok(format!("${{{id}}}")),
            ("GetAtt", Value::String(path)) => Ok(format!("${{{path}}}")),
            ("GetAtt", Value::Sequence(parts)) => {
                let parts: Vec<&str> = parts.iter().filter_map(Value::as_str).collect();
                Ok(format!("${{{}}}", parts.join(".")))
            }
            ("Sub", Value::String(text)) => Ok(text.clone()),
            ("Sub", Value::Sequence(parts)) => {
                let mut text = parts
                    .first()
                    .and_then(Value::as_str)
                    .ok_or("!Sub without a string")?
                    .to_owned();
                for (variable, replacement) in parts
                    .get(1)
                    .and_then(Value::as_mapping)
                    .into_iter()
                    .flatten()
                {
                    let variable = variable.as_str().ok_or("a !Sub variable is not a string")?;
                    text = text.replace(&format!("${{{variable}}}"), &raw_expression(replacement)?);
                }
                Ok(text)
            }
            // Conditions and string functions (a stack-id suffix, an optional domain) stay
            // as written: the same expression in an environment and in a policy reads the
            // same, which is all the comparison needs.
            ("If" | "Select" | "Split" | "Join", Value::Sequence(parts)) => {
                let parts = parts.iter().map(written).collect::<Result<Vec<_>, _>>()?;
                Ok(format!("${{Fn::{name}({})}}", parts.join(", ")))
            }
            _ => Err(format!("cannot read !{name} {argument:?}")),
        }
    };

    match value {
        Value::String(text) => Ok(text.clone()),
        Value::Number(number) => Ok(number.to_string()),
        Value::Bool(flag) => Ok(flag.to_string()),
        Value::Tagged(tagged) => {
            let name = tagged.tag.to_string();
            intrinsic(name.trim_start_matches('!'), &tagged.value)
        }
        Value::Mapping(mapping) if mapping.len() == 1 => {
            let (key, argument) = mapping.iter().next().ok_or("empty mapping")?;
            let key = key.as_str().unwrap_or_default();
            let name = key.strip_prefix("Fn::").unwrap_or(key);
            intrinsic(name, argument)
        }
        other => Err(format!("cannot read {other:?} as a string")),
    }
}

/// Whether `text` matches the IAM pattern `pattern` (`*` any run of characters, `?` one).
pub fn matches(pattern: &str, text: &str) -> bool {
    let (pattern, text): (Vec<char>, Vec<char>) =
        (pattern.chars().collect(), text.chars().collect());
    let (mut p, mut t) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == '?' || pattern[p] == text[t]) {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == '*' {
            backtrack = Some((p, t));
            p += 1;
        } else if let Some((star, from)) = backtrack {
            p = star + 1;
            t = from + 1;
            backtrack = Some((star, from + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|c| *c == '*')
}

fn action_matches(pattern: &str, action: &str) -> bool {
    matches(&pattern.to_ascii_lowercase(), &action.to_ascii_lowercase())
}

/// One thing a function needs its role to allow.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Need {
    /// The IAM action.
    pub action: String,
    /// The resource, as an expression.
    pub resource: String,
    /// Why: the SDK operation, or the platform feature.
    pub origin: String,
}

/// The ARN prefix of an SSM parameter named by `name` (which starts with `/`).
fn parameter_arn(name: &str) -> String {
    format!("arn:${{AWS::Partition}}:ssm:${{AWS::Region}}:${{AWS::AccountId}}:parameter{name}")
}

fn s3_arn(bucket: &str) -> String {
    format!("arn:${{AWS::Partition}}:s3:::{bucket}")
}

impl Function {
    fn variable(&self, name: &str) -> Result<&str, String> {
        self.environment
            .get(name)
            .map(String::as_str)
            .ok_or_else(|| format!("{} has no {name} in its environment", self.logical_id))
    }

    /// The table `TABLE_NAME` refers to, as its ARN expression.
    fn table_arn(&self, template: &Template) -> Result<String, String> {
        let table = self.variable("TABLE_NAME")?;
        let id = table
            .strip_prefix("${")
            .and_then(|rest| rest.strip_suffix('}'))
            .filter(|id| template.resource_type(id) == Some("AWS::DynamoDB::Table"))
            .ok_or_else(|| {
                format!(
                    "{}: TABLE_NAME {table} is not !Ref of a table",
                    self.logical_id
                )
            })?;
        Ok(format!("${{{id}.Arn}}"))
    }

    /// The SSM parameters its environment names (`*_PARAMETER` variables): variable →
    /// parameter ARN.
    pub fn parameters(&self) -> BTreeMap<String, String> {
        self.environment
            .iter()
            .filter(|(name, _)| name.ends_with("_PARAMETER"))
            .map(|(name, value)| (name.clone(), parameter_arn(value)))
            .collect()
    }

    /// What `used` (the ledger's uses of this function) and its event sources need.
    pub fn needs(&self, template: &Template, used: &[Use]) -> Result<Vec<Need>, String> {
        let mut needs = Vec::new();
        for usage in used {
            let resource = match &usage.target {
                Target::Table => self.table_arn(template)?,
                Target::Index(index) => format!("{}/index/{index}", self.table_arn(template)?),
                Target::Bucket => s3_arn(self.variable("BUCKET_NAME")?),
                Target::Object(key) => format!("{}/{key}", s3_arn(self.variable("BUCKET_NAME")?)),
                Target::Parameter(name) => {
                    let variable = TEST_PARAMETERS
                        .iter()
                        .find(|(_, parameter, _)| parameter == name)
                        .map(|(variable, _, _)| *variable)
                        .ok_or_else(|| format!("{name} is not a parameter of the tests"))?;
                    parameter_arn(self.variable(variable)?)
                }
            };
            needs.push(Need {
                action: usage.action.clone(),
                resource,
                origin: usage.operation.clone(),
            });
        }
        for stream in &self.streams {
            for action in STREAM_READER_ACTIONS {
                needs.push(Need {
                    action: action.to_owned(),
                    resource: stream.clone(),
                    origin: "event source mapping".to_owned(),
                });
            }
        }
        needs.sort();
        needs.dedup();
        Ok(needs)
    }
}

/// A grant of a role that no use needed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Unused {
    /// The statement (`policy/Sid`).
    pub statement: String,
    /// `action dynamodb:DeleteItem` or `resource ${Table.Arn}/index/GSI3`.
    pub grant: String,
}

/// The comparison for one function.
#[derive(Debug, Clone, Default)]
pub struct Comparison {
    /// The in-scope actions its role grants.
    pub granted: BTreeSet<String>,
    /// The actions its uses need.
    pub used: BTreeSet<String>,
    /// Needs no statement allows (with the reason).
    pub ungranted: Vec<String>,
    /// Grants nothing needed.
    pub unused: Vec<Unused>,
    /// Statements this check cannot read.
    pub refused: Vec<String>,
    /// What was compared: every need.
    pub needs: Vec<Need>,
}

/// Compares `needs` with `statements`.
pub fn compare(statements: &[Statement], needs: &[Need]) -> Comparison {
    let mut comparison = Comparison::default();
    let scoped: Vec<(usize, &Statement)> = statements
        .iter()
        .enumerate()
        .filter(|(_, statement)| statement.in_scope())
        .collect();
    for (_, statement) in &scoped {
        if !statement.unreadable.is_empty() {
            comparison.refused.push(format!(
                "{}: {} cannot be checked",
                statement.name,
                statement.unreadable.join(", ")
            ));
        }
        if statement.effect == "Allow" {
            comparison.granted.extend(
                statement
                    .actions
                    .iter()
                    .filter(|action| in_scope(action))
                    .cloned(),
            );
        }
    }
    let mut used_actions: BTreeSet<(usize, usize)> = BTreeSet::new();
    let mut used_resources: BTreeSet<(usize, usize)> = BTreeSet::new();
    for need in needs {
        comparison.used.insert(need.action.clone());
        let mut allowed = false;
        let mut denied = false;
        for (index, statement) in &scoped {
            let action = statement
                .actions
                .iter()
                .position(|pattern| action_matches(pattern, &need.action));
            let resource = statement
                .resources
                .iter()
                .position(|pattern| matches(pattern, &need.resource));
            if let (Some(action), Some(resource)) = (action, resource) {
                match statement.effect.as_str() {
                    "Allow" => {
                        allowed = true;
                        used_actions.insert((*index, action));
                        used_resources.insert((*index, resource));
                    }
                    _ => denied = true,
                }
            }
        }
        if !allowed || denied {
            comparison.ungranted.push(format!(
                "{} on {} (for {}){}",
                need.action,
                need.resource,
                need.origin,
                if denied { ": denied" } else { "" }
            ));
        }
    }
    for (index, statement) in &scoped {
        if statement.effect != "Allow" {
            continue;
        }
        for (at, action) in statement.actions.iter().enumerate() {
            if in_scope(action) && !used_actions.contains(&(*index, at)) {
                comparison.unused.push(Unused {
                    statement: statement.name.clone(),
                    grant: format!("action {action}"),
                });
            }
        }
        for (at, resource) in statement.resources.iter().enumerate() {
            if !used_resources.contains(&(*index, at)) {
                comparison.unused.push(Unused {
                    statement: statement.name.clone(),
                    grant: format!("resource {resource}"),
                });
            }
        }
    }
    comparison.needs = needs.to_vec();
    comparison.ungranted.sort();
    comparison.ungranted.dedup();
    comparison.unused.sort();
    comparison
}

/// The SSM rules checked on the template alone: no wildcard in an SSM statement, and a
/// role reads only parameters its function's environment names.
pub fn parameter_problems(function: &Function, statements: &[Statement]) -> Vec<String> {
    let named: BTreeSet<String> = function.parameters().into_values().collect();
    let mut problems = Vec::new();
    for statement in statements {
        let ssm: Vec<&String> = statement
            .actions
            .iter()
            .filter(|action| action.to_ascii_lowercase().starts_with("ssm:"))
            .collect();
        if ssm.is_empty() {
            continue;
        }
        for action in &ssm {
            if action.contains(['*', '?']) {
                problems.push(format!("{}: wildcard action {action}", statement.name));
            }
        }
        for resource in &statement.resources {
            if resource.contains(['*', '?']) {
                problems.push(format!("{}: wildcard resource {resource}", statement.name));
            } else if !named.contains(resource) {
                problems.push(format!(
                    "{}: {resource} is no parameter of {}'s environment",
                    statement.name, function.logical_id
                ));
            }
        }
    }
    problems
}

/// The `*_PARAMETER` variables of the template that the test configuration does not give
/// as SSM parameters: reads of those would not reach the ledger.
pub fn untested_parameters(functions: &[Function]) -> BTreeSet<String> {
    functions
        .iter()
        .flat_map(|function| function.parameters().into_keys())
        .filter(|variable| {
            !TEST_PARAMETERS
                .iter()
                .any(|(tested, _, _)| tested == variable)
        })
        .collect()
}

/// Every function's uses over all `ledgers`.
pub fn merge(ledgers: &[Uses]) -> BTreeMap<String, Vec<Use>> {
    let mut merged: BTreeMap<String, BTreeSet<Use>> = BTreeMap::new();
    for ledger in ledgers {
        for (function, uses) in ledger {
            merged
                .entry(function.clone())
                .or_default()
                .extend(uses.iter().cloned());
        }
    }
    merged
        .into_iter()
        .map(|(function, uses)| (function, uses.into_iter().collect()))
        .collect()
}

/// A markdown table of `rows` under `headers`.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut text = format!("| {} |\n", headers.join(" | "));
    let _ = writeln!(text, "|{}", " --- |".repeat(headers.len()));
    for row in rows {
        let _ = writeln!(text, "| {} |", row.join(" | "));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iam_wildcards() {
        assert!(matches(
            "arn:x:s3:::b/uploads/*",
            "arn:x:s3:::b/uploads/1/2"
        ));
        assert!(!matches(
            "arn:x:s3:::b/uploads/*",
            "arn:x:s3:::b/variants/1"
        ));
        assert!(matches("*", "anything"));
        assert!(matches("${Table.Arn}", "${Table.Arn}"));
        assert!(!matches("${Table.Arn}", "${Table.Arn}/index/GSI1"));
        assert!(matches("${Table.Arn}/index/*", "${Table.Arn}/index/GSI1"));
        assert!(matches("a?c*d", "abcxxd"));
        assert!(action_matches("dynamodb:Get*", "dynamodb:GetItem"));
        assert!(action_matches("DynamoDB:getitem", "dynamodb:GetItem"));
        assert!(!action_matches("dynamodb:Get*", "dynamodb:PutItem"));
    }

    const TEMPLATE: &str = r#"
Globals:
  Function:
    Environment:
      Variables:
        TABLE_NAME: !Ref Table
        JWT_SECRET_PARAMETER: !Ref JwtName
Resources:
  Table:
    Type: AWS::DynamoDB::Table
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub ${AWS::StackName}-files
  F:
    Type: AWS::Serverless::Function
    Metadata:
      BuildProperties:
        Binary: f
    Properties:
      Role: !GetAtt FRole.Arn
      Environment:
        Variables:
          BUCKET_NAME: !Ref Bucket
      Events:
        Expired:
          Type: DynamoDB
          Properties:
            Stream: !GetAtt Table.StreamArn
  FRole:
    Type: AWS::IAM::Role
    Properties:
      Policies:
        - PolicyName: f
          PolicyDocument:
            Statement:
              - Sid: Logs
                Effect: Allow
                Action: logs:PutLogEvents
                Resource: "*"
              - Sid: Table
                Effect: Allow
                Action: [dynamodb:GetItem, dynamodb:PutItem, dynamodb:Query]
                Resource:
                  - !GetAtt Table.Arn
                  - !Sub ${Table.Arn}/index/GSI1
                  - !Sub ${Table.Arn}/index/GSI2
              - Sid: Stream
                Effect: Allow
                Action:
                  - dynamodb:DescribeStream
                  - dynamodb:GetRecords
                  - dynamodb:GetShardIterator
                  - dynamodb:ListStreams
                Resource: !GetAtt Table.StreamArn
              - Sid: Objects
                Effect: Allow
                Action: s3:PutObject
                Resource: !Sub arn:${AWS::Partition}:s3:::${AWS::StackName}-files/uploads/*
              - Sid: Secrets
                Effect: Allow
                Action: ssm:GetParameter
                Resource:
                  - !Sub arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${JwtName}
                  - !Sub arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${Other}
"#;

    fn usage(action: &str, operation: &str, target: Target) -> Use {
        Use {
            action: action.to_owned(),
            operation: operation.to_owned(),
            target,
        }
    }

    #[test]
    fn uses_are_checked_against_actions_and_resources() {
        let template = Template::parse(TEMPLATE).unwrap();
        let functions = template.functions().unwrap();
        let function = &functions[0];
        assert_eq!(
            (function.binary.as_str(), function.role.as_deref()),
            ("f", Some("FRole"))
        );
        assert_eq!(
            function.environment["BUCKET_NAME"],
            "${AWS::StackName}-files"
        );
        let statements = template.statements("FRole").unwrap();
        let used = [
            usage("dynamodb:GetItem", "GetItem", Target::Table),
            usage("dynamodb:Query", "Query", Target::Index("GSI1".into())),
            usage("dynamodb:UpdateItem", "TransactWriteItems", Target::Table),
            usage(
                "s3:PutObject",
                "PutObject",
                Target::Object("uploads/1/2".into()),
            ),
            usage(
                "s3:PutObject",
                "PutObject",
                Target::Object("variants/x/ori.jpg".into()),
            ),
            usage(
                "ssm:GetParameter",
                "GetParameter",
                Target::Parameter("/test/jwt-secret".into()),
            ),
        ];
        let needs = function.needs(&template, &used).unwrap();
        let comparison = compare(&statements, &needs);
        assert_eq!(
            comparison.ungranted,
            [
                "dynamodb:UpdateItem on ${Table.Arn} (for TransactWriteItems)",
                "s3:PutObject on arn:${AWS::Partition}:s3:::${AWS::StackName}-files/variants/x/ori.jpg (for PutObject)",
            ]
        );
        let unused: Vec<String> = comparison
            .unused
            .iter()
            .map(|u| format!("{}: {}", u.statement, u.grant))
            .collect();
        assert_eq!(
            unused,
            [
                "f/Secrets: resource arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${Other}",
                "f/Table: action dynamodb:PutItem",
                "f/Table: resource ${Table.Arn}/index/GSI2",
            ]
        );
        assert!(comparison.refused.is_empty());
        assert_eq!(
            parameter_problems(function, &statements),
            ["f/Secrets: arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${Other} is no parameter of F's environment"]
        );
        assert!(comparison.granted.contains("s3:PutObject"));
        assert!(!comparison.granted.contains("logs:PutLogEvents"));
    }
}
