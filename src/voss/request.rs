//! One API request as data: its method, model, instance, hierarchy and parameters. Builds
//! the URL (pure, tested without a network) and names the request in error sentences.

use reqwest::Url;

/// The HTTP methods the API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    /// A partial update, where a server merges (seen in use, not documented).
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    pub(crate) fn to_reqwest(self) -> reqwest::Method {
        match self {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
        }
    }
}

/// `METHOD /api/MODEL/[PKID/][ACTION/]?format=json&hierarchy=H&...`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiRequest {
    pub method: Method,
    /// The model type's path under `/api/` (from the profile's `routes`).
    pub model: String,
    pub pkid: Option<String>,
    pub action: Option<&'static str>,
    pub hierarchy: Option<String>,
    pub params: Vec<(&'static str, String)>,
}

impl ApiRequest {
    /// A request about the instances of `model` at `hierarchy`.
    pub fn at(method: Method, model: &str, hierarchy: &str) -> Self {
        ApiRequest {
            method,
            model: model.to_owned(),
            pkid: None,
            action: None,
            hierarchy: Some(hierarchy.to_owned()),
            params: Vec::new(),
        }
    }

    /// A request about one instance of `model`, named by its id.
    pub fn instance(method: Method, model: &str, pkid: &str) -> Self {
        ApiRequest {
            method,
            model: model.to_owned(),
            pkid: Some(pkid.to_owned()),
            action: None,
            hierarchy: None,
            params: Vec::new(),
        }
    }

    pub fn action(mut self, action: &'static str) -> Self {
        self.action = Some(action);
        self
    }

    pub fn param(mut self, name: &'static str, value: impl ToString) -> Self {
        self.params.push((name, value.to_string()));
        self
    }

    /// Only reads are retried after a failure.
    pub fn is_idempotent(&self) -> bool {
        self.method == Method::Get
    }

    /// The full URL under `base` (the server's URL as the user gave it).
    pub fn url(&self, base: &Url) -> Url {
        let mut url = base.clone();
        // Settings only accept http(s) URLs, which always have a path to extend.
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.pop_if_empty().push("api");
            segments.extend(self.model.split('/'));
            if let Some(pkid) = &self.pkid {
                segments.push(pkid);
            }
            if let Some(action) = self.action {
                segments.push(action);
            }
            segments.push("");
        }
        {
            let mut query = url.query_pairs_mut();
            query.clear().append_pair("format", "json");
            if let Some(hierarchy) = &self.hierarchy {
                query.append_pair("hierarchy", hierarchy);
            }
            for (name, value) in &self.params {
                query.append_pair(name, value);
            }
        }
        url
    }

    /// `GET relation/HcsCustomerREL`, `PUT relation/HcsCustomerREL/PKID`: the request as
    /// error sentences name it.
    pub fn label(&self) -> String {
        let mut label = format!("{} {}", self.method.as_str(), self.model);
        if let Some(pkid) = &self.pkid {
            label.push('/');
            label.push_str(pkid);
        }
        if let Some(action) = self.action {
            label.push('/');
            label.push_str(action);
        }
        label
    }
}

impl std::fmt::Display for ApiRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label())?;
        if let Some(hierarchy) = &self.hierarchy {
            write!(f, " at {hierarchy}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn list_url_carries_format_hierarchy_and_params() {
        let request = ApiRequest::at(Method::Get, "relation/HcsCustomerREL", "sys.hcs.CS-P.CS R1")
            .param("skip", 0)
            .param("limit", 250);
        assert_eq!(
            request.url(&base("https://voss.example.com")).as_str(),
            "https://voss.example.com/api/relation/HcsCustomerREL/?format=json&hierarchy=sys.hcs.CS-P.CS+R1&skip=0&limit=250"
        );
    }

    #[test]
    fn instance_url_with_action_and_a_base_path() {
        let request =
            ApiRequest::instance(Method::Get, "tool/Transaction", "0f1e-22").action("poll");
        assert_eq!(
            request.url(&base("https://host:8443/voss/")).as_str(),
            "https://host:8443/voss/api/tool/Transaction/0f1e-22/poll/?format=json"
        );
        assert_eq!(request.label(), "GET tool/Transaction/0f1e-22/poll");
    }

    #[test]
    fn query_in_the_base_url_is_replaced() {
        let request = ApiRequest::instance(Method::Delete, "relation/HcsCustomerREL", "abc");
        assert_eq!(
            request.url(&base("http://127.0.0.1:9/?x=1")).as_str(),
            "http://127.0.0.1:9/api/relation/HcsCustomerREL/abc/?format=json"
        );
    }

    #[test]
    fn display_names_method_model_and_hierarchy() {
        let request = ApiRequest::at(Method::Post, "tool/DnAudit", "sys.hcs.P.Acme");
        assert_eq!(request.to_string(), "POST tool/DnAudit at sys.hcs.P.Acme");
        assert!(!request.is_idempotent());
        assert!(ApiRequest::at(Method::Get, "data/Role", "sys").is_idempotent());
    }
}
