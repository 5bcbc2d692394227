//! The answers every operation may give because of how the HTTP driver reads a request,
//! whatever the handler does: written once, as components, and referred to by each
//! operation from its shape (a JSON body, path or query parameters, a bearer token), so
//! a new route documents them without a line of its own.

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::Modify;

use crate::problem::PROBLEM_JSON;

/// One answer of the driver: its status, the component's name, its description.
struct Answer {
    status: &'static str,
    name: &'static str,
    description: &'static str,
}

const MALFORMED_BODY: Answer = Answer {
    status: "400",
    name: "MalformedBody",
    description: "The body is not JSON (`malformed_json`) or cannot be read (`bad_request`)",
};
const UNAUTHORIZED: Answer = Answer {
    status: "401",
    name: "Unauthorized",
    description: "No token where one is needed, or a malformed, unknown, expired or revoked one (`unauthorized`)",
};
const NOT_FOUND: Answer = Answer {
    status: "404",
    name: "NotFound",
    description: "Nothing there, or not the caller's to see; also a path parameter that does not parse, since it names nothing (`not_found`)",
};
const TOO_LARGE: Answer = Answer {
    status: "413",
    name: "PayloadTooLarge",
    description: "The body is over 256 KiB (`payload_too_large`)",
};
const NOT_JSON: Answer = Answer {
    status: "415",
    name: "UnsupportedMediaType",
    description: "The body is not sent as `application/json` (`unsupported_media_type`)",
};
const INVALID: Answer = Answer {
    status: "422",
    name: "Invalid",
    description: "A value of the body or the query is wrong, or names something the caller may not use; `field` names it (`validation`)",
};
const UNAVAILABLE: Answer = Answer {
    status: "503",
    name: "Unavailable",
    description: "The database is overloaded or unreachable (`busy`, `unavailable`), or the request took over 15 seconds: try again",
};

const ALL: [&Answer; 7] = [
    &MALFORMED_BODY,
    &UNAUTHORIZED,
    &NOT_FOUND,
    &TOO_LARGE,
    &NOT_JSON,
    &INVALID,
    &UNAVAILABLE,
];

/// Adds the driver's answers to every operation that may give them, unless the operation
/// documents that status itself (with a more precise description).
pub(super) struct ProblemResponses;

impl Modify for ProblemResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        for answer in ALL {
            components.responses.insert(
                answer.name.to_owned(),
                RefOr::T(problem(answer.description)),
            );
        }
        for item in openapi.paths.paths.values_mut() {
            for operation in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                for answer in answers_of(operation) {
                    operation
                        .responses
                        .responses
                        .entry(answer.status.to_owned())
                        .or_insert_with(|| {
                            RefOr::Ref(Ref::new(format!("#/components/responses/{}", answer.name)))
                        });
                }
            }
        }
    }
}

/// The driver's answers an operation may give, from its shape.
fn answers_of(operation: &Operation) -> Vec<&'static Answer> {
    let mut answers = vec![&UNAVAILABLE];
    let takes_json = operation
        .request_body
        .as_ref()
        .is_some_and(|body| body.content.contains_key("application/json"));
    if takes_json {
        answers.extend([&MALFORMED_BODY, &TOO_LARGE, &NOT_JSON, &INVALID]);
    }
    let parameters = operation.parameters.as_deref().unwrap_or_default();
    if parameters
        .iter()
        .any(|p| matches!(p.parameter_in, ParameterIn::Path))
    {
        answers.push(&NOT_FOUND);
    }
    if parameters
        .iter()
        .any(|p| matches!(p.parameter_in, ParameterIn::Query))
    {
        answers.push(&INVALID);
    }
    if takes_token(operation) {
        answers.push(&UNAUTHORIZED);
    }
    answers
}

/// Whether the operation reads a bearer token: a bad one is refused even where a token
/// is optional.
fn takes_token(operation: &Operation) -> bool {
    operation.security.as_deref().is_some_and(|requirements| {
        requirements.iter().any(|requirement| {
            serde_json::to_value(requirement)
                .ok()
                .and_then(|value| value.as_object().map(|names| !names.is_empty()))
                .unwrap_or(false)
        })
    })
}

/// A problem response with this description.
fn problem(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            PROBLEM_JSON,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
}
