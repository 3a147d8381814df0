//! The client type of a generated crate: its own type, so the crate can
//! give it one method per operation, over the runtime's [`Client`].
//!
//! [`Client`]: crate::Client

/// Defines a generated service's client: a newtype over the runtime's
/// `Client<Service>` with its constructors, configuration and `send`. For
/// generated code only.
#[doc(hidden)]
#[macro_export]
macro_rules! service_client {
    ($(#[$meta:meta])* $vis:vis struct $name:ident($service:ty);) => {
        $(#[$meta])*
        #[derive(Clone)]
        $vis struct $name($crate::Client<$service>);

        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Debug::fmt(&self.0, f)
            }
        }

        impl $name {
            /// A client for `config`.
            pub fn new(config: $crate::Config) -> ::std::result::Result<Self, $crate::ConfigError> {
                $crate::Client::new(config).map(Self)
            }

            /// A client configured the way the AWS CLI is: region, endpoint
            /// and credentials from the environment, the shared config
            /// files, container credentials or instance metadata (see
            /// [`ConfigBuilder::load_from`]).
            ///
            /// [`ConfigBuilder::load_from`]: $crate::ConfigBuilder::load_from
            pub async fn from_env() -> ::std::result::Result<Self, $crate::ConfigError> {
                $crate::Client::from_env().await.map(Self)
            }

            /// A client from `builder`'s explicit settings, the rest loaded
            /// from the process environment as [`from_env`](Self::from_env)
            /// does.
            pub async fn load(builder: $crate::ConfigBuilder) -> ::std::result::Result<Self, $crate::ConfigError> {
                $crate::Client::load(builder).await.map(Self)
            }

            /// Like [`load`](Self::load), reading `env` instead of the
            /// process environment.
            pub async fn load_with(
                builder: $crate::ConfigBuilder,
                env: &$crate::Environment,
            ) -> ::std::result::Result<Self, $crate::ConfigError> {
                $crate::Client::load_with(builder, env).await.map(Self)
            }

            /// The configuration the client was made with.
            pub fn config(&self) -> &$crate::Config {
                self.0.config()
            }

            /// The endpoint requests go to.
            pub fn endpoint(&self) -> &str {
                self.0.endpoint()
            }

            /// Sends a whole input struct; the fluent builders end here too.
            pub async fn send<I>(&self, input: I) -> ::std::result::Result<I::Output, $crate::SdkError<I::Error>>
            where
                I: $crate::Operation<Service = $service>,
            {
                self.0.send(input).await
            }

            /// Sends like [`send`](Self::send), but returns the answer's
            /// body as the service sent it, unparsed: for tools that pass
            /// answers on unchanged, such as a command line. An empty body
            /// comes back empty. Errors are typed as `send`'s are.
            pub async fn send_raw<I>(&self, input: I) -> ::std::result::Result<$crate::bytes::Bytes, $crate::SdkError<I::Error>>
            where
                I: $crate::Operation<Service = $service>,
            {
                self.0.send_raw(input).await
            }

            /// The runtime's client underneath, for code generic over
            /// services (paginators, waiters, tools).
            pub fn inner(&self) -> &$crate::Client<$service> {
                &self.0
            }

            /// The HTTP client calls go through, for URLs the service's
            /// answers point to (presigned download URLs).
            #[doc(hidden)]
            pub fn http_client(&self) -> &$crate::transport::HttpClient {
                self.0.http_client()
            }
        }

        impl ::std::convert::From<$crate::Client<$service>> for $name {
            fn from(client: $crate::Client<$service>) -> Self {
                Self(client)
            }
        }

        impl ::std::convert::From<$name> for $crate::Client<$service> {
            fn from(client: $name) -> Self {
                client.0
            }
        }
    };
}
