//! proptest: any generated plan serialises and deserialises to an equal
//! value. The generator covers every enum variant and fills every optional
//! field in some cases.

use chrono::NaiveDate;
use cx_core::metric::{Kpi, MetricId};
use cx_core::plan::Strategy as PlanStrategy;
use cx_core::plan::*;
use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::strategy::Strategy;

fn id() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9-]{0,8}"
}

fn text() -> impl Strategy<Value = String> {
    // Any unicode, including quotes, escapes and control characters.
    any::<String>()
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (1990i32..2100, 1u32..=12, 1u32..=28)
        .prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap())
}

fn num() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>().prop_filter("finite", |f| f.is_finite()),
        -1e6f64..1e6
    ]
}

fn metric() -> impl Strategy<Value = MetricId> {
    prop_oneof![
        select(MetricId::FIXED.to_vec()),
        id().prop_map(MetricId::Attribute),
        select(Kpi::NAMED.to_vec()).prop_map(MetricId::Kpi),
        "[a-z]{1,8}".prop_map(|n| MetricId::Kpi(Kpi::from_name(&format!("x{n}")).unwrap())),
    ]
}

fn factor() -> impl Strategy<Value = Factor> {
    select(vec![Factor::Product, Factor::Interaction, Factor::Brand])
}

fn facet() -> impl Strategy<Value = Facet> {
    (id(), text(), option::of(text()), option::of(factor())).prop_map(
        |(id, name, description, factor)| Facet {
            id,
            name,
            description,
            factor,
        },
    )
}

fn rule() -> impl Strategy<Value = Rule> {
    (
        id(),
        text(),
        vec(id(), 0..3),
        vec(id(), 0..2),
        num(),
        any::<bool>(),
    )
        .prop_map(|(id, behaviour, supports, goals, weight, critical)| Rule {
            id,
            behaviour,
            supports,
            goals,
            weight,
            critical,
        })
}

fn goal() -> impl Strategy<Value = Goal> {
    (
        id(),
        metric(),
        option::of(id()),
        option::of(id()),
        (num(), date(), num(), date()),
        select(vec![Horizon::MidTerm, Horizon::LongTerm]),
        option::of(text()),
    )
        .prop_map(
            |(id, metric, segment, touchpoint, (bv, bd, tv, td), horizon, description)| Goal {
                id,
                metric,
                segment,
                touchpoint,
                baseline: GoalPoint {
                    value: bv,
                    date: bd,
                },
                target: GoalPoint {
                    value: tv,
                    date: td,
                },
                horizon,
                description,
            },
        )
}

fn context() -> impl Strategy<Value = Context> {
    let need = (
        id(),
        text(),
        option::of(id()),
        select(vec![
            NeedCategory::Service,
            NeedCategory::Quality,
            NeedCategory::Variety,
            NeedCategory::Speed,
            NeedCategory::Cost,
            NeedCategory::Other,
        ]),
        any::<u8>(),
    )
        .prop_map(|(id, statement, segment, category, importance)| Need {
            id,
            statement,
            segment,
            category,
            importance,
        });
    let resource = (
        id(),
        select(vec![
            ResourceKind::Human,
            ResourceKind::Material,
            ResourceKind::Financial,
            ResourceKind::Other,
        ]),
        text(),
        option::of(text()),
    )
        .prop_map(|(id, kind, description, capacity)| Resource {
            id,
            kind,
            description,
            capacity,
        });
    let constraint = (
        id(),
        select(vec![
            ConstraintKind::Legal,
            ConstraintKind::Regulatory,
            ConstraintKind::Budget,
            ConstraintKind::Other,
        ]),
        text(),
    )
        .prop_map(|(id, kind, description)| Constraint {
            id,
            kind,
            description,
        });
    let mission = (
        text(),
        vec(text(), 0..2),
        vec(text(), 0..2),
        vec(text(), 0..2),
        option::of(text()),
    )
        .prop_map(
            |(statement, services, customers, key_processes, expected_output)| Mission {
                statement,
                services,
                customers,
                key_processes,
                expected_output,
            },
        );
    (
        vec(
            (id(), text(), option::of(num())).prop_map(|(id, name, share)| Segment {
                id,
                name,
                share,
            }),
            0..3,
        ),
        vec(need, 0..3),
        vec(
            (id(), text(), option::of(id()), option::of(num())).prop_map(
                |(id, description, segment, share)| ContactReason {
                    id,
                    description,
                    segment,
                    share,
                },
            ),
            0..2,
        ),
        option::of(mission),
        option::of(text()),
        vec(resource, 0..5),
        vec(constraint, 0..5),
    )
        .prop_map(
            |(segments, needs, contact_reasons, mission, vision, resources, constraints)| Context {
                segments,
                needs,
                contact_reasons,
                mission,
                vision,
                resources,
                constraints,
            },
        )
}

fn deployment() -> impl Strategy<Value = Deployment> {
    let policy = (
        id(),
        select(vec![
            PolicyArea::SupportSystems,
            PolicyArea::AvailabilityHours,
            PolicyArea::Suppliers,
            PolicyArea::TreatmentTimes,
            PolicyArea::EmployeeFlexibility,
            PolicyArea::Other,
        ]),
        text(),
        vec(id(), 0..2),
    )
        .prop_map(|(id, area, description, supports)| Policy {
            id,
            area,
            description,
            supports,
        });
    let tangible = (
        id(),
        select(vec![
            TangibleKind::Signage,
            TangibleKind::Cleanliness,
            TangibleKind::ServiceCounter,
            TangibleKind::Bulletin,
            TangibleKind::AdviceGuide,
            TangibleKind::Ambience,
            TangibleKind::Other,
        ]),
        text(),
        vec(id(), 0..2),
    )
        .prop_map(|(id, kind, description, supports)| Tangible {
            id,
            kind,
            description,
            supports,
        });
    let mobilization = (
        id(),
        select(vec![
            MobilizationKind::Guidance,
            MobilizationKind::Coaching,
            MobilizationKind::Training,
        ]),
        text(),
        text(),
        vec(id(), 0..3),
    )
        .prop_map(|(id, kind, audience, topic, rules)| Mobilization {
            id,
            kind,
            audience,
            topic,
            rules,
        });
    (
        vec(policy, 0..7),
        vec(tangible, 0..8),
        vec(rule(), 0..3),
        vec(rule(), 0..3),
        vec(mobilization, 0..4),
    )
        .prop_map(
            |(policies, tangibles, rules, norms, mobilization)| Deployment {
                policies,
                tangibles,
                rules,
                norms,
                mobilization,
            },
        )
}

fn instrument() -> impl Strategy<Value = Instrument> {
    (
        id(),
        select(vec![
            InstrumentKind::CustomerSurvey,
            InstrumentKind::EmployeeSurvey,
            InstrumentKind::RuleAudit,
        ]),
        option::of(select(vec![
            SurveyChannel::Mail,
            SurveyChannel::Online,
            SurveyChannel::Phone,
            SurveyChannel::Interview,
            SurveyChannel::GroupInterview,
        ])),
        option::of(select(AuditMethod::ALL.to_vec())),
        vec(id(), 0..3),
        vec(metric(), 0..2),
        vec(id(), 0..2),
        option::of(any::<u32>()),
    )
        .prop_map(
            |(id, kind, channel, method, rules, metrics, goals, cadence_days)| Instrument {
                id,
                kind,
                channel,
                method,
                rules,
                metrics,
                goals,
                cadence_days,
            },
        )
}

fn attribute() -> impl Strategy<Value = Attribute> {
    (
        id(),
        text(),
        (any::<u8>(), any::<u8>()),
        option::of(any::<u8>()),
        option::of(id()),
        option::of(factor()),
        option::of(id()),
        vec(id(), 0..2),
        option::of(num()),
    )
        .prop_map(
            |(
                id,
                label,
                (min, max),
                not_applicable,
                facet_id,
                factor,
                process_id,
                tangibles,
                importance,
            )| Attribute {
                id,
                label,
                scale: Scale { min, max },
                not_applicable,
                facet_id,
                factor,
                process_id,
                tangibles,
                importance,
            },
        )
}

fn rest() -> impl Strategy<
    Value = (
        Vec<Intervention>,
        Vec<Benchmark>,
        Thresholds,
        Option<SuccessConditions>,
    ),
> {
    let intervention = (
        id(),
        select(InterventionKind::ALL.to_vec()),
        text(),
        option::of(text()),
        option::of(date()),
        select(vec![
            InterventionStatus::Planned,
            InterventionStatus::InProgress,
            InterventionStatus::Done,
            InterventionStatus::Cancelled,
        ]),
        vec(id(), 0..3),
    )
        .prop_map(
            |(id, kind, title, owner, due, status, addresses)| Intervention {
                id,
                kind,
                title,
                owner,
                due,
                status,
                addresses,
            },
        );
    let benchmark = (
        id(),
        metric(),
        text(),
        num(),
        option::of(any::<u64>()),
        option::of(date()),
    )
        .prop_map(|(id, metric, source, value, n, date)| Benchmark {
            id,
            metric,
            source,
            value,
            n,
            date,
        });
    let thresholds = (
        any::<u64>(),
        num(),
        num(),
        num(),
        any::<u32>(),
        any::<u32>(),
        (
            any::<bool>(),
            any::<bool>(),
            option::of(any::<u8>()),
            any::<bool>(),
            option::of(num()),
        ),
    )
        .prop_map(
            |(
                min_sample,
                compliance_floor,
                low_enps,
                significance,
                recent_days,
                follow_up_hours,
                a,
            )| Thresholds {
                min_sample,
                compliance_floor,
                low_enps,
                significance,
                recent_days,
                follow_up_hours,
                alerts: AlertRules {
                    detractor: a.0,
                    csat_bottom_two: a.1,
                    ces_at_most: a.2,
                    critical_rule_failed: a.3,
                    comment_compound_at_most: a.4,
                },
            },
        );
    let success = (0u8..=4, 0u8..=4, 0u8..=4, 0u8..=4, 0u8..=4).prop_map(|(a, b, c, d, e)| {
        SuccessConditions {
            leadership: a,
            existing_strengths: b,
            employee_enthusiasm: c,
            rigour: d,
            celebrate_successes: e,
        }
    });
    (
        vec(intervention, 0..4),
        vec(benchmark, 0..3),
        thresholds,
        option::of(success),
    )
}

/// A comment theme, with or without label, links and alert.
fn theme() -> impl Strategy<Value = Theme> {
    let links = (
        vec(id(), 0..3),
        vec(id(), 0..3),
        vec(id(), 0..3),
        vec(id(), 0..3),
    )
        .prop_map(|(attributes, processes, facets, rules)| ThemeLinks {
            attributes,
            processes,
            facets,
            rules,
        });
    (
        id(),
        option::of(text()),
        vec(text(), 0..4),
        links,
        any::<bool>(),
    )
        .prop_map(|(id, label, terms, links, alert)| Theme {
            id,
            label,
            terms,
            links,
            alert,
        })
}

fn plan() -> impl Strategy<Value = Plan> {
    let org = (
        text(),
        option::of(text()),
        option::of(text()),
        any::<bool>(),
    )
        .prop_map(
            |(name, sector, sponsor, leadership_committed)| Organization {
                name,
                sector,
                sponsor,
                leadership_committed,
            },
        );
    let strategy = (
        option::of(
            (id(), text()).prop_map(|(facet_id, statement)| Positioning {
                facet_id,
                statement,
            }),
        ),
        option::of(
            (option::of(facet()), vec(facet(), 0..3), vec(facet(), 0..3)).prop_map(
                |(dominant, emphasized, base)| Identity {
                    dominant,
                    emphasized,
                    base,
                },
            ),
        ),
        vec(goal(), 0..3),
    )
        .prop_map(|(positioning, identity, goals)| PlanStrategy {
            positioning,
            identity,
            goals,
        });
    let scales =
        ((any::<u8>(), any::<u8>()), (any::<u8>(), any::<u8>())).prop_map(|(c, e)| Scales {
            csat: Scale { min: c.0, max: c.1 },
            ces: Scale { min: e.0, max: e.1 },
        });
    (
        (any::<u32>(), org, context(), strategy),
        vec(
            (id(), text(), option::of(text())).prop_map(|(id, name, owner)| Process {
                id,
                name,
                owner,
            }),
            0..3,
        ),
        vec(attribute(), 0..3),
        vec(
            (id(), text()).prop_map(|(id, label)| CustomDimension { id, label }),
            0..2,
        ),
        (scales, (num(), num(), num())),
        deployment(),
        vec(instrument(), 0..4),
        rest(),
        (vec(theme(), 0..4), btree_map(text(), num(), 0..4)),
    )
        .prop_map(
            |(
                (schema_version, organization, context, strategy),
                processes,
                attributes,
                dimensions,
                (scales, w),
                deployment,
                instruments,
                (interventions, benchmarks, thresholds, success_conditions),
                (themes, lexicon),
            )| Plan {
                schema_version,
                organization,
                context,
                strategy,
                processes,
                attributes,
                dimensions,
                scales,
                factor_weights: FactorWeights {
                    product: w.0,
                    interaction: w.1,
                    brand: w.2,
                },
                deployment,
                evaluation: Evaluation { instruments },
                interventions,
                benchmarks,
                thresholds,
                success_conditions,
                // The weighting section's round trip: tests/plan_weighting.rs.
                weighting: None,
                themes,
                lexicon,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn plan_round_trips_through_json(plan in plan()) {
        let json = serde_json::to_string(&plan).unwrap();
        let back = Plan::from_json(&json).unwrap();
        prop_assert_eq!(&back, &plan);
        // Validation and tracing never panic on any plan.
        let _ = plan.validate();
        let _ = plan.trace();
    }

    #[test]
    fn themes_links_alerts_and_lexicon_round_trip(
        themes in vec(theme(), 1..5),
        lexicon in btree_map(text(), num(), 1..5),
        at_most in num(),
    ) {
        let mut plan = Plan::new("Acme");
        plan.themes = themes;
        plan.lexicon = lexicon;
        plan.thresholds.alerts.comment_compound_at_most = Some(at_most);
        let json = serde_json::to_string(&plan).unwrap();
        let back = Plan::from_json(&json).unwrap();
        prop_assert_eq!(&back.themes, &plan.themes);
        prop_assert_eq!(&back.lexicon, &plan.lexicon);
        prop_assert_eq!(back.thresholds.alerts.comment_compound_at_most, Some(at_most));
        prop_assert_eq!(plan.trace().themes.len(), plan.themes.len());
    }
}
