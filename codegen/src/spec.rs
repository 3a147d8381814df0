//! A typed model of the parts of an APIs.guru AWS document the generator
//! reads. It accepts OpenAPI 3.0 (`components/schemas`, `requestBody`) and
//! Swagger 2.0 (`definitions`, `in: body` parameters); [`crate::lower`] turns
//! either into the same IR. Unknown keys are ignored: the documents carry
//! many vendor extensions the client has no use for.

use serde::Deserialize;
use std::collections::BTreeMap;

/// The whole document.
#[derive(Debug, Deserialize)]
pub struct Document {
    /// `3.0.x` for OpenAPI 3 documents.
    pub openapi: Option<String>,
    /// `2.0` for Swagger documents.
    pub swagger: Option<String>,
    /// Service metadata, including the `x-` facts AWS documents carry.
    pub info: Info,
    /// OpenAPI 3 server URL templates.
    #[serde(default)]
    pub servers: Vec<Server>,
    /// Swagger 2 host name.
    pub host: Option<String>,
    /// Every operation, keyed by path (`/#X-Amz-Target=...`).
    #[serde(default)]
    pub paths: BTreeMap<String, PathItem>,
    /// OpenAPI 3 schemas.
    pub components: Option<Components>,
    /// Swagger 2 schemas.
    pub definitions: Option<BTreeMap<String, Schema>>,
}

/// `info`.
#[derive(Debug, Deserialize)]
pub struct Info {
    /// Human title, e.g. "Amazon EC2 Container Registry".
    pub title: String,
    /// API version, e.g. `2015-09-21`.
    pub version: String,
    /// HTML description of the service.
    pub description: Option<String>,
    /// Short service name, e.g. `ecr`.
    #[serde(rename = "x-serviceName")]
    pub service_name: Option<String>,
    /// SigV4 signing name.
    #[serde(rename = "x-aws-signingName")]
    pub signing_name: Option<String>,
}

/// One entry of `servers`.
#[derive(Debug, Deserialize)]
pub struct Server {
    /// URL template, e.g. `https://api.ecr.{region}.amazonaws.com`.
    pub url: String,
    /// Template variables.
    #[serde(default)]
    pub variables: BTreeMap<String, ServerVariable>,
}

/// A server URL template variable.
#[derive(Debug, Deserialize)]
pub struct ServerVariable {
    /// The values the document lists (for `region`: the regions it serves).
    #[serde(rename = "enum", default)]
    pub values: Vec<String>,
}

/// `components`.
#[derive(Debug, Deserialize)]
pub struct Components {
    /// Named schemas.
    #[serde(default)]
    pub schemas: BTreeMap<String, Schema>,
}

/// The operations under one path; AWS JSON documents use only `post`.
#[derive(Debug, Deserialize)]
pub struct PathItem {
    /// The POST operation.
    pub post: Option<Operation>,
}

/// One operation.
#[derive(Debug, Deserialize)]
pub struct Operation {
    /// The operation's name, e.g. `CreateRepository`.
    #[serde(rename = "operationId")]
    pub operation_id: Option<String>,
    /// HTML description.
    pub description: Option<String>,
    /// Parameters: the `X-Amz-Target` header, Swagger's `in: body`, and
    /// conversion artifacts that are ignored.
    #[serde(default)]
    pub parameters: Vec<Parameter>,
    /// OpenAPI 3 request body.
    #[serde(rename = "requestBody")]
    pub request_body: Option<RequestBody>,
    /// Responses by status code; 2xx is the output, the rest name errors.
    #[serde(default)]
    pub responses: BTreeMap<String, Response>,
}

/// An operation parameter.
#[derive(Debug, Deserialize)]
pub struct Parameter {
    /// Parameter name.
    pub name: Option<String>,
    /// `header`, `query`, or Swagger's `body`.
    #[serde(rename = "in")]
    pub location: Option<String>,
    /// The parameter's schema (OpenAPI 3, and Swagger `in: body`).
    pub schema: Option<Schema>,
    /// Swagger 2 puts a header's enum on the parameter itself.
    #[serde(rename = "enum", default)]
    pub values: Vec<serde_json::Value>,
}

/// An OpenAPI 3 request body.
#[derive(Debug, Deserialize)]
pub struct RequestBody {
    /// Media type to schema.
    #[serde(default)]
    pub content: BTreeMap<String, MediaType>,
}

/// One media type of a body.
#[derive(Debug, Deserialize)]
pub struct MediaType {
    /// The body's schema.
    pub schema: Option<Schema>,
}

/// A response.
#[derive(Debug, Deserialize)]
pub struct Response {
    /// For error responses, the error's name.
    pub description: Option<String>,
    /// OpenAPI 3 body.
    #[serde(default)]
    pub content: BTreeMap<String, MediaType>,
    /// Swagger 2 body.
    pub schema: Option<Schema>,
}

/// A JSON Schema node, as far as AWS documents use it.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Schema {
    /// A reference to a named schema.
    #[serde(rename = "$ref")]
    pub reference: Option<String>,
    /// `object`, `array`, `string`, `integer`, `number`, `boolean`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// `date-time`, `int32`, `int64`, `double`, `float`, `byte`, `binary`.
    pub format: Option<String>,
    /// HTML description.
    pub description: Option<String>,
    /// Members of an object.
    pub properties: BTreeMap<String, Schema>,
    /// Required member names.
    pub required: Vec<String>,
    /// Element schema of an array.
    pub items: Option<Box<Schema>>,
    /// Value schema of a map.
    #[serde(rename = "additionalProperties")]
    pub additional_properties: Option<AdditionalProperties>,
    /// Whether the member is deprecated.
    pub deprecated: bool,
    /// Member wrapper: a `$ref` plus a description.
    #[serde(rename = "allOf")]
    pub all_of: Vec<Schema>,
    /// Read only to refuse it: the generator does not understand `oneOf`.
    #[serde(rename = "oneOf")]
    pub one_of: Vec<Schema>,
    /// Read only to refuse it, like `oneOf`.
    #[serde(rename = "anyOf")]
    pub any_of: Vec<Schema>,
    /// Read only to refuse it, like `oneOf`.
    pub not: Option<Box<Schema>>,
    /// Values of a string enum.
    #[serde(rename = "enum")]
    pub values: Vec<serde_json::Value>,
    /// Minimum string length.
    #[serde(rename = "minLength")]
    pub min_length: Option<u64>,
    /// Maximum string length.
    #[serde(rename = "maxLength")]
    pub max_length: Option<u64>,
    /// ECMA-262 pattern, not anchored.
    pub pattern: Option<String>,
    /// Minimum numeric value.
    pub minimum: Option<f64>,
    /// Maximum numeric value.
    pub maximum: Option<f64>,
    /// Minimum list length.
    #[serde(rename = "minItems")]
    pub min_items: Option<u64>,
    /// Maximum list length.
    #[serde(rename = "maxItems")]
    pub max_items: Option<u64>,
}

/// `additionalProperties`: a schema, or `true`/`false`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum AdditionalProperties {
    /// `true` or `false`.
    Allowed(bool),
    /// The value schema of a map.
    Schema(Box<Schema>),
}
