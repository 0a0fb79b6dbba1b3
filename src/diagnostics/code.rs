//! Every diagnostic code tsdsl reports, as one enum.
//!
//! A code is stable: operators look it up in the book
//! (`book/src/reference/diagnostics.md`, which `tests/it/diagnostic_codes.rs`
//! checks against [`Code::ALL`]), and editors and CI match on its text. The
//! variants are grouped by the phase that finds the problem, as the text
//! `tsdsl::<phase>::<name>` is, and named after both.

/// Declares [`Code`]: `phase { Variant = name }` gives the variant whose
/// text is `tsdsl::phase::name`; the whole-run codes spell out their text.
macro_rules! codes {
    (
        whole_run { $( $(#[$rdoc:meta])* $run:ident = $text:literal, )* }
        $( $(#[$group:meta])* $phase:ident { $( $variant:ident = $name:ident, )* } )*
    ) => {
        /// A stable, documented diagnostic code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $( $( $variant, )* )*
            $( $(#[$rdoc])* $run, )*
        }

        impl Code {
            /// Every code, in the order of the book's reference.
            pub const ALL: &'static [Code] = &[ $( $( Code::$variant, )* )* $( Code::$run, )* ];

            /// The code as reported: `tsdsl::schema::unknown_attribute`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( $( Code::$variant =>
                        concat!("tsdsl::", stringify!($phase), "::", stringify!($name)), )* )*
                    $( Code::$run => $text, )*
                }
            }
        }
    };
}

codes! {
    // What a run that fails outside a diagnostic of its own reports.
    whole_run {
        /// The script has errors (exit code 1).
        RunScript = "tsdsl::script",
        /// The output folder refused the write (exit code 2).
        RunOutput = "tsdsl::output",
        /// A defect of tsdsl itself (exit code 70).
        RunInternal = "tsdsl::internal",
    }
    /// `tsdsl::script::*`: the Rhai script itself.
    script {
        ScriptSyntax = syntax,
        ScriptDuplicateKey = duplicate_key,
        ScriptDuplicateFunction = duplicate_function,
        ScriptUnclosedDelimiter = unclosed_delimiter,
        ScriptUndefinedVariable = undefined_variable,
        ScriptUndefinedModule = undefined_module,
        ScriptUnknownFunction = unknown_function,
        ScriptWrongType = wrong_type,
        ScriptUnsupportedValue = unsupported_value,
        ScriptUnknownOption = unknown_option,
        ScriptUnknownKey = unknown_key,
        ScriptNothing = nothing,
        ScriptUnknownProperty = unknown_property,
        ScriptNotIndexable = not_indexable,
        ScriptPlanTimeValue = plan_time_value,
        ScriptThrown = thrown,
        ScriptRuntime = runtime,
    }
    /// `tsdsl::engine::*`: the sandbox.
    engine {
        EngineTimeout = timeout,
        EngineTooManyOperations = too_many_operations,
        EngineRecursionTooDeep = recursion_too_deep,
        EngineTooLarge = too_large,
        EngineNotAvailable = not_available,
        EngineModelTooLarge = model_too_large,
        EngineTooManyBlocks = too_many_blocks,
        EngineTooDeep = too_deep,
        EngineOutOfMemory = out_of_memory,
        EngineUnknownModule = unknown_module,
        EngineBadModulePath = bad_module_path,
        EngineImportCycle = import_cycle,
        EngineImportTooDeep = import_too_deep,
    }
    /// `tsdsl::model::*`: declarations.
    model {
        ModelDuplicateName = duplicate_name,
        ModelInvalidName = invalid_name,
        ModelBadReference = bad_reference,
        ModelUnknownReference = unknown_reference,
        ModelUndefinedReference = undefined_reference,
        ModelInstanceKey = instance_key,
        ModelOutOfScope = out_of_scope,
        ModelInterpolationInString = interpolation_in_string,
        ModelReservedName = reserved_name,
        ModelBadDefault = bad_default,
        ModelBadAddress = bad_address,
        ModelMovedFromDeclared = moved_from_declared,
        ModelRemovedStillDeclared = removed_still_declared,
        ModelBadInstanceKey = bad_instance_key,
        ModelScopedDataOutsideCheck = scoped_data_outside_check,
        ModelEphemeralValueStored = ephemeral_value_stored,
        ModelEphemeralRootOutput = ephemeral_root_output,
        ModelDynamicNotABlock = dynamic_not_a_block,
        ModelBadMetaArgument = bad_meta_argument,
        ModelCountAndForEach = count_and_for_each,
        ModelBadExpression = bad_expression,
        ModelBadType = bad_type,
        ModelUnknownFunction = unknown_function,
        ModelDynamicBackend = dynamic_backend,
        ModelMissingArgument = missing_argument,
        ModelBadCheckovSkip = bad_checkov_skip,
        ModelUnknownInstanceType = unknown_instance_type,
        ModelUnknownStack = unknown_stack,
        ModelStackHasErrors = stack_has_errors,
        ModelStackCycle = stack_cycle,
        ModelReferenceCycle = reference_cycle,
        ModelStackTooDeep = stack_too_deep,
        ModelRemoteWithoutBackend = remote_without_backend,
        ModelUnknownStackOutput = unknown_stack_output,
        ModelRelativeLocalState = relative_local_state,
        ModelReadsOwnState = reads_own_state,
    }
    /// `tsdsl::schema::*`: provider schemas.
    schema {
        SchemaUnknownResourceType = unknown_resource_type,
        SchemaUnknownDataSource = unknown_data_source,
        SchemaUnknownAttribute = unknown_attribute,
        SchemaMissingRequired = missing_required,
        SchemaWrongType = wrong_type,
        SchemaComputedOnly = computed_only,
        SchemaBlockAsAttribute = block_as_attribute,
        SchemaAttributeAsBlock = attribute_as_block,
        SchemaTooManyBlocks = too_many_blocks,
        SchemaTooFewBlocks = too_few_blocks,
        SchemaUnknownModuleInput = unknown_module_input,
        SchemaDynamicNotAllowed = dynamic_not_allowed,
        SchemaBadSchemaFile = bad_schema_file,
    }
    /// `tsdsl::secrets::*`: secrets in the configuration.
    secrets {
        SecretsLiteralSecret = literal_secret,
        SecretsSensitiveOutput = sensitive_output,
    }
    /// `tsdsl::aws::*`: the AWS account.
    aws {
        AwsWrongAccount = wrong_account,
        AwsAccountNotChecked = account_not_checked,
        AwsLookupFailed = lookup_failed,
        AwsAccountUnknown = account_unknown,
        AwsNotKnownOffline = not_known_offline,
        AwsInvalidAccountId = invalid_account_id,
        AwsNoAccountForStack = no_account_for_stack,
        AwsConflictingAccounts = conflicting_accounts,
        AwsExpectAccountTwice = expect_account_twice,
        AwsUnknownField = unknown_field,
        AwsReadOnlyCaller = read_only_caller,
    }
    /// `tsdsl::stdlib::*`: options of stdlib blocks.
    stdlib {
        StdlibUnknownOption = unknown_option,
        StdlibMissingOption = missing_option,
        StdlibWrongType = wrong_type,
        StdlibOutOfRange = out_of_range,
        StdlibInvalidOption = invalid_option,
        StdlibOutOfOrder = out_of_order,
        StdlibSubnetOutside = subnet_outside,
        StdlibSubnetOverlap = subnet_overlap,
        StdlibNeedsKnownValue = needs_known_value,
        StdlibUnknownResult = unknown_result,
        StdlibReadOnlyResult = read_only_result,
        StdlibWrongResults = wrong_results,
        StdlibBadDeclaration = bad_declaration,
    }
    /// `tsdsl::cli::*`: the command line.
    cli {
        CliUsage = usage,
        CliIo = io,
    }
    /// `tsdsl::output::*`: the output folder.
    output {
        OutputRootFolder = root_folder,
        OutputHomeFolder = home_folder,
        OutputFolderAboveScript = folder_above_script,
        OutputLocked = locked,
        OutputNotGenerated = not_generated,
        OutputOtherScript = other_script,
        OutputWouldBeEmpty = would_be_empty,
        OutputBadJournal = bad_journal,
        OutputNotWritten = not_written,
        OutputUnfinished = unfinished,
        OutputRenamed = renamed,
        OutputFileNameTooLong = file_name_too_long,
    }
    /// `tsdsl::internal::*`: defects of tsdsl itself.
    internal {
        InternalEmbeddedSchema = embedded_schema,
    }
}

impl Code {
    /// Whether the code reports a defect of tsdsl rather than of the script
    /// or the set-up: a run that reports one exits with 70, not 1.
    pub fn is_internal(self) -> bool {
        self == Code::RunInternal || self.as_str().starts_with("tsdsl::internal::")
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Code;

    #[test]
    fn texts_are_distinct_and_well_formed() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL {
            let text = code.as_str();
            assert!(seen.insert(text), "`{text}` twice");
            assert!(text.starts_with("tsdsl::"), "{text}");
            assert!(text.chars().all(|c| c == ':' || c == '_' || c.is_ascii_lowercase()), "{text}");
        }
        assert_eq!(Code::SchemaUnknownAttribute.as_str(), "tsdsl::schema::unknown_attribute");
        assert_eq!(Code::RunScript.to_string(), "tsdsl::script");
        assert!(Code::InternalEmbeddedSchema.is_internal() && !Code::CliUsage.is_internal());
    }
}
