/*-------------------------------------------------------------------------
 *
 * keyjoin.c
 *		  The batched key join: a join to a DynamoDB foreign table on its
 *		  full primary key, read with one BatchGetItem per batch of outer
 *		  rows instead of one GetItem per outer row.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/keyjoin.c
 *
 * A CustomScan provider, offered from set_join_pathlist_hook for an inner,
 * left, semi or anti join whose inner side is a dynamo_fdw foreign table
 * and whose join clauses fix that table's whole primary key (partition
 * key, and sort key if it has one) with equalities DynamoDB matches exactly
 * (deparse.c's rules).  The node reads outer rows until their distinct keys
 * fill one BatchGetItem (100 keys; 1,000 rows at most), asks for those keys
 * in one request (UnprocessedKeys asked again), sees the items through this
 * transaction's buffered writes, and emits the outer rows in order, each
 * joined to its item; every join clause and every condition on the foreign
 * table is checked here, locally, on the joined row, so a key's spelling
 * never decides a match.  An outer row whose key is NULL or empty matches
 * nothing.  A full key matches one item at most, so a semi join is an inner
 * join that emits only outer columns, and an anti join a left join that
 * emits only the misses.
 *
 * The scan tuple (custom_scan_tlist) is the outer plan's target list
 * followed by the foreign table's needed columns; custom_exprs holds the
 * key expressions (partition [, sort]) and the join quals, both evaluated
 * on that tuple.  The plan's qual holds what filters the joined rows after
 * a left or anti join (clauses pushed down to it).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/sysattr.h"
#include "commands/explain.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "nodes/extensible.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/clauses.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "optimizer/pathnode.h"
#include "optimizer/paths.h"
#include "optimizer/restrictinfo.h"
#include "parser/parsetree.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/ruleutils.h"
#include "utils/selfuncs.h"

#include "client.h"
#include "convert.h"
#include "ddb_limits.h"
#include "deparse.h"
#include "http.h"
#include "dynamo_fdw.h"
#include "ddb_value.h"
#include "keyjoin.h"
#include "ops_read.h"
#include "planner.h"
#include "scan_request.h"
#include "server_options.h"
#include "table.h"
#include "txn.h"

/* GUC dynamo_fdw.enable_batched_join */
bool		dynamo_enable_batched_join = true;

/*
 * A batch: outer rows until their distinct keys fill one BatchGetItem, and
 * at most KEYJOIN_MAX_ROWS of them (repeated keys cost nothing more).
 */
#define KEYJOIN_BATCH_KEYS	DYNAMO_MAX_BATCH_GET_KEYS
#define KEYJOIN_MAX_ROWS	(10 * KEYJOIN_BATCH_KEYS)

/*
 * At run time, up to KEYJOIN_IN_FLIGHT batches are read together: their
 * BatchGetItem requests are in flight at once (a network round trip paid
 * once for all of them: 1,600 keys in one), and the rows of the group are
 * then emitted in order.  Memory stays bounded by the group's rows and
 * items (16,000 outer rows, 1,600 items).  16 is http.c's limit of
 * requests at once.
 */
#define KEYJOIN_IN_FLIGHT	DYNAMO_HTTP_MAX_PARALLEL
#define KEYJOIN_GROUP_KEYS	(KEYJOIN_IN_FLIGHT * KEYJOIN_BATCH_KEYS)
#define KEYJOIN_GROUP_ROWS	(KEYJOIN_IN_FLIGHT * KEYJOIN_MAX_ROWS)

/*
 * Planner cost of batching, as a fraction of a request: enough that one
 * outer row still prefers a plain GetItem, small enough that two do not.
 */
#define KEYJOIN_OVERHEAD	0.1

/* custom_private of the plan, in this order. */
typedef enum KeyJoinPrivate
{
	KeyJoinTable,				/* String: DynamoDB table */
	KeyJoinRelation,			/* String: the foreign table, for EXPLAIN */
	KeyJoinKeyAttrs,			/* List of String: partition [, sort] key */
	KeyJoinProjection,			/* String: ProjectionExpression or "" */
	KeyJoinNames,				/* List of String: #nN -> attribute */
	KeyJoinConsistentRead,		/* Integer: 0/1 */
	KeyJoinType,				/* Integer: JOIN_INNER, _LEFT, _SEMI or _ANTI */
	KeyJoinNumOuter				/* Integer: outer columns of the scan tuple */
} KeyJoinPrivate;

/* What the path carries to PlanCustomPath (custom_private of the path). */
typedef enum KeyJoinPathPrivate
{
	KeyJoinPathMatch,			/* RestrictInfos deciding a match */
	KeyJoinPathOther,			/* RestrictInfos filtering joined rows */
	KeyJoinPathKeys,			/* Exprs: outer values of the key */
	KeyJoinPathType				/* Integer: JoinType */
} KeyJoinPathPrivate;

typedef struct KeyJoinState
{
	CustomScanState css;

	/* from the plan */
	DynamoRelation *rel;
	DynamoConn *conn;
	char	   *table;
	char	   *relname;
	List	   *key_attrs;
	const char *pk;
	const char *sk;				/* NULL: the table has no sort key */
	char	   *projection;
	List	   *names;
	bool		consistent;
	JoinType	jointype;
	int			nouter;			/* scan tuple: outer columns first ... */
	int			ninner;			/* ... then the foreign table's */
	DynamoRowReader *reader;	/* fills the inner columns from an item */
	List	   *key_states;		/* ExprState of each key value */
	List	   *key_types;
	ExprState  *match;			/* join quals */
	PlanState  *outer;
	TupleTableSlot *outer_slot; /* rereads the batch's outer rows */

	/* the current batch, in batch_cxt */
	MemoryContext batch_cxt;
	MemoryContext row_cxt;
	MinimalTuple *rows;			/* outer rows */
	int		   *row_key;		/* index into keys, -1: matches nothing */
	int			nrows;
	int			pos;			/* next row to emit */
	DynamoValue **keys;			/* distinct keys asked for */
	char	  **key_strings;	/* dynamo_key_string() of each */
	const DynamoValue **key_item;	/* the item found for each, or NULL */
	int			nkeys;
	bool		outer_done;
	MemoryContext carry_cxt;
	MinimalTuple carry;			/* a row read for the next batch, or NULL */

	/* for EXPLAIN ANALYZE */
	uint64		requests;
	uint64		batches;
	uint64		keys_asked;
	uint64		items_fetched;
	double		capacity;

	/* for error messages */
	const DynamoValue *current_item;
} KeyJoinState;

static set_join_pathlist_hook_type prev_join_pathlist_hook = NULL;

static Plan *keyjoin_plan_path(PlannerInfo *root, RelOptInfo *rel,
							   CustomPath *best_path, List *tlist,
							   List *clauses, List *custom_plans);
static Node *keyjoin_create_state(CustomScan *cscan);
static void keyjoin_begin(CustomScanState *node, EState *estate, int eflags);
static TupleTableSlot *keyjoin_exec(CustomScanState *node);
static void keyjoin_end(CustomScanState *node);
static void keyjoin_rescan(CustomScanState *node);
static void keyjoin_explain(CustomScanState *node, List *ancestors,
							ExplainState *es);

static const CustomPathMethods keyjoin_path_methods = {
	.CustomName = "DynamoDB Key Join",
	.PlanCustomPath = keyjoin_plan_path,
};

static const CustomScanMethods keyjoin_scan_methods = {
	.CustomName = "DynamoDB Key Join",
	.CreateCustomScanState = keyjoin_create_state,
};

static const CustomExecMethods keyjoin_exec_methods = {
	.CustomName = "DynamoDB Key Join",
	.BeginCustomScan = keyjoin_begin,
	.ExecCustomScan = keyjoin_exec,
	.EndCustomScan = keyjoin_end,
	.ReScanCustomScan = keyjoin_rescan,
	.ExplainCustomScan = keyjoin_explain,
};

/* ---- planning ---- */

/* Is REL a plain dynamo_fdw foreign table? */
static bool
is_dynamo_rel(RelOptInfo *rel)
{
	return rel->reloptkind == RELOPT_BASEREL && rel->rtekind == RTE_RELATION &&
		rel->fdwroutine != NULL &&
		rel->fdwroutine->GetForeignRelSize == dynamoGetForeignRelSize;
}

/*
 * Does EXPRS use only plain user columns of relation RELID (no whole-row
 * reference, no system column, no placeholder computed at the scan)?
 */
static bool
only_user_columns(List *exprs, Index relid)
{
	Bitmapset  *attrs = NULL;
	int			k = -1;

	pull_varattnos((Node *) exprs, relid, &attrs);
	while ((k = bms_next_member(attrs, k)) >= 0)
		if (k + FirstLowInvalidHeapAttributeNumber <= 0)
			return false;
	return true;
}

/* Do the table's own conditions fix the whole key already (GetItem)? */
static bool
key_fixed_by_constants(PlannerInfo *root, RelOptInfo *inner,
					   const DynamoRelation *rel)
{
	const DynamoTable *t = rel->meta;
	DynamoDeparseContext ctx = {root, inner->relid, rel, false, false};
	bool		pk = false,
				sk = (t->sort_key == NULL);
	ListCell   *lc;

	foreach(lc, inner->baserestrictinfo)
	{
		DynamoCond *c = dynamo_classify(((RestrictInfo *) lfirst(lc))->clause, &ctx);

		if (c == NULL || c->column == NULL ||
			!((c->kind == DYNAMO_COND_CMP && c->cmp == DYNAMO_CMP_EQ) || c->kind == DYNAMO_COND_IN))
			continue;
		if (strcmp(c->column->attr, t->partition_key) == 0 &&
			dynamo_family_tag(c->column) == t->partition_type)
			pk = true;
		if (t->sort_key && strcmp(c->column->attr, t->sort_key) == 0 &&
			dynamo_family_tag(c->column) == t->sort_type)
			sk = true;
	}
	return pk && sk;
}

/* What key_clause() looks for. */
typedef struct KeyTarget
{
	const DynamoRelation *rel;
	const char *attr;
	char		type;
} KeyTarget;

/*
 * The value side of RI when RI is "key attribute = value" with an equality
 * DynamoDB matches exactly, and the value comes from the outer relation (a
 * join clause) or, for a clause of the table's own (BASE), is a constant or
 * parameter; else NULL.
 */
static Expr *
key_clause(PlannerInfo *root, RestrictInfo *ri, RelOptInfo *outer,
		   RelOptInfo *inner, const KeyTarget *kt, bool base)
{
	DynamoDeparseContext ctx = {root, inner->relid, kt->rel, true, false};
	DynamoCond *c;
	Expr	   *val;
	Relids		varnos;

	if (!IsA(ri->clause, OpExpr) || ri->pseudoconstant ||
		(!base && ri->mergeopfamilies == NIL && !OidIsValid(ri->hashjoinoperator)))
		return NULL;
	c = dynamo_classify(ri->clause, &ctx);
	if (c == NULL || c->kind != DYNAMO_COND_CMP || c->cmp != DYNAMO_CMP_EQ ||
		strcmp(c->column->attr, kt->attr) != 0 ||
		dynamo_family_tag(c->column) != kt->type)
		return NULL;
	val = linitial(c->values);
	varnos = pull_varnos(root, (Node *) val);
	if (base ? !bms_is_empty(varnos) :
		(bms_is_empty(varnos) || !bms_is_subset(varnos, outer->relids)))
		return NULL;
	if (contain_subplans((Node *) val))
		return NULL;
	return val;
}

/* For generate_implied_equalities_for_column: the member is our key. */
static bool
ec_member_is(PlannerInfo *root, RelOptInfo *rel, EquivalenceClass *ec,
			 EquivalenceMember *em, void *arg)
{
	const KeyTarget *kt = arg;
	Expr	   *e = em->em_expr;
	const DynamoColumn *col;

	while (e && IsA(e, RelabelType))
		e = ((RelabelType *) e)->arg;
	if (e == NULL || !IsA(e, Var) || ((Var *) e)->varno != (int) rel->relid ||
		((Var *) e)->varattno <= 0 || ((Var *) e)->varattno > kt->rel->ncolumns)
		return false;
	col = &kt->rel->columns[((Var *) e)->varattno - 1];
	return !col->dropped && strcmp(col->attr, kt->attr) == 0;
}

/*
 * The value fixing key attribute ATTR: from a join clause; for an inner or
 * semi join, from an equivalence class (a.pk = w.x AND a.sk = w.x puts
 * a.pk, a.sk and w.x in one class, and the join's clauses name only one
 * pair of them); else a constant or parameter of the table's own conditions
 * (a.pk = w.x AND a.sk = 'PROFILE').  NULL when there is none.
 */
static Expr *
find_key_value(PlannerInfo *root, RelOptInfo *outer, RelOptInfo *inner,
			   List *join_clauses, bool use_ecs, const DynamoRelation *rel,
			   const char *attr, char type)
{
	KeyTarget	kt = {rel, attr, type};
	ListCell   *lc;

	foreach(lc, join_clauses)
	{
		Expr	   *v = key_clause(root, lfirst(lc), outer, inner, &kt, false);

		if (v)
			return v;
	}
	if (use_ecs && inner->has_eclass_joins)
	{
		List	   *derived = generate_implied_equalities_for_column(root, inner,
																	 ec_member_is,
																	 &kt,
																	 inner->lateral_referencers);

		foreach(lc, derived)
		{
			Expr	   *v = key_clause(root, lfirst(lc), outer, inner, &kt, false);

			if (v)
				return v;
		}
	}
	foreach(lc, inner->baserestrictinfo)
	{
		Expr	   *v = key_clause(root, lfirst(lc), outer, inner, &kt, true);

		if (v)
			return v;
	}
	return NULL;
}

static void
add_keyjoin_path(PlannerInfo *root, RelOptInfo *joinrel, Path *outer_path,
				 RelOptInfo *inner, JoinType jointype, List *match,
				 List *other, List *key_exprs, const DynamoServerOptions *sopts)
{
	CustomPath *cp = makeNode(CustomPath);
	double		outer_rows = Max(outer_path->rows, 1.0);
	double		distinct;
	double		rows_per_batch;
	double		batches;
	double		keys;
	double		items;
	QualCost	match_cost,
				other_cost;

	/*
	 * A batch holds 100 distinct keys (and 1,000 rows at most); a key
	 * repeated in later batches is asked for again.  With D > 100 distinct
	 * keys in random order, 100 of them have come after about
	 * D * ln(D / (D - 100)) rows.  Items read: one per key asked for at
	 * most, and no more than the table holds.
	 */
	distinct = estimate_num_groups(root, key_exprs, outer_rows, NULL, NULL);
	distinct = Min(Max(distinct, 1.0), outer_rows);
	if (distinct <= KEYJOIN_BATCH_KEYS)
		rows_per_batch = KEYJOIN_MAX_ROWS;
	else
		rows_per_batch = Min(KEYJOIN_MAX_ROWS,
							 Max(KEYJOIN_BATCH_KEYS,
								 distinct * log(distinct / (distinct - KEYJOIN_BATCH_KEYS))));
	batches = ceil(outer_rows / rows_per_batch);
	keys = Min(outer_rows, batches * Min(distinct, KEYJOIN_BATCH_KEYS));
	items = Min(keys, Max(inner->tuples, 1.0));

	cost_qual_eval(&match_cost, match, root);
	cost_qual_eval(&other_cost, other, root);

	cp->path.pathtype = T_CustomScan;
	cp->path.parent = joinrel;
	cp->path.pathtarget = joinrel->reltarget;
	cp->path.param_info = NULL;
	cp->path.parallel_aware = false;
	cp->path.parallel_safe = false;
	cp->path.parallel_workers = 0;
	cp->path.rows = joinrel->rows;
	cp->path.startup_cost = outer_path->startup_cost + sopts->request_cost +
		match_cost.startup + other_cost.startup;
	cp->path.total_cost = outer_path->total_cost +
		(batches + KEYJOIN_OVERHEAD) * sopts->request_cost +
		items * sopts->item_cost +
		outer_rows * (cpu_tuple_cost + match_cost.per_tuple) +
		joinrel->rows * (cpu_tuple_cost + other_cost.per_tuple +
						 joinrel->reltarget->cost.per_tuple) +
		match_cost.startup + other_cost.startup;
	cp->path.pathkeys = build_join_pathkeys(root, joinrel, jointype,
											outer_path->pathkeys);
	cp->flags = CUSTOMPATH_SUPPORT_PROJECTION;
	cp->custom_paths = list_make1(outer_path);
	cp->custom_private = list_make4(match, other, key_exprs,
									makeInteger(jointype));
	cp->methods = &keyjoin_path_methods;
	add_path(joinrel, (Path *) cp);
}

/*
 * set_join_pathlist_hook: offer the batched key join where it applies.
 */
static void
keyjoin_join_pathlist(PlannerInfo *root, RelOptInfo *joinrel,
					  RelOptInfo *outerrel, RelOptInfo *innerrel,
					  JoinType jointype, JoinPathExtraData *extra)
{
	DynamoRelation *rel;
	const DynamoTable *t;
	List	   *join_clauses = NIL;
	List	   *match = NIL;
	List	   *other = NIL;
	List	   *key_exprs;
	Expr	   *pk_value;
	Expr	   *sk_value = NULL;
	Path	   *paths[2];
	bool		use_ecs;
	ListCell   *lc;
	int			i;

	if (prev_join_pathlist_hook)
		prev_join_pathlist_hook(root, joinrel, outerrel, innerrel, jointype, extra);

	if (!dynamo_enable_batched_join ||
		(jointype != JOIN_INNER && jointype != JOIN_LEFT &&
		 jointype != JOIN_SEMI && jointype != JOIN_ANTI) ||
		!is_dynamo_rel(innerrel))
		return;
	/* rows to lock or recheck (FOR UPDATE, UPDATE ... FROM) need real scans */
	if ((root->parse->commandType != CMD_SELECT &&
		 root->parse->commandType != CMD_INSERT) || root->rowMarks != NIL)
		return;
	if (!bms_is_empty(joinrel->lateral_relids) ||
		!bms_is_empty(innerrel->lateral_relids))
		return;
	/* the inner side must be plain columns: NULL-extension is done here */
	foreach(lc, innerrel->reltarget->exprs)
		if (!IsA(lfirst(lc), Var))
			return;
	if (!only_user_columns(innerrel->reltarget->exprs, innerrel->relid) ||
		!only_user_columns(extract_actual_clauses(innerrel->baserestrictinfo, false),
						   innerrel->relid) ||
		!only_user_columns(extract_actual_clauses(extra->restrictlist, false),
						   innerrel->relid))
		return;

	/*
	 * Join clauses: for a left or anti join, the join's own clauses; clauses
	 * pushed down to it filter the joined rows.  For an inner or semi join,
	 * every clause decides the match.
	 */
	foreach(lc, extra->restrictlist)
	{
		RestrictInfo *ri = lfirst(lc);

		if (IS_OUTER_JOIN(jointype) && RINFO_IS_PUSHED_DOWN(ri, joinrel->relids))
			other = lappend(other, ri);
		else
			join_clauses = lappend(join_clauses, ri);
	}

	/*
	 * Equivalence classes hold inner and semi join equalities; an outer or
	 * anti join's clauses are only its own.
	 */
	use_ecs = (jointype == JOIN_INNER || jointype == JOIN_SEMI);

	rel = dynamo_get_relation(planner_rt_fetch(innerrel->relid, root)->relid);
	t = rel->meta;
	if (key_fixed_by_constants(root, innerrel, rel))
		return;					/* GetItem or BatchGetItem by itself */

	pk_value = find_key_value(root, outerrel, innerrel, join_clauses,
							  use_ecs, rel,
							  t->partition_key, t->partition_type);
	if (pk_value == NULL)
		return;
	if (t->sort_key)
	{
		sk_value = find_key_value(root, outerrel, innerrel, join_clauses,
								  use_ecs, rel,
								  t->sort_key, t->sort_type);
		if (sk_value == NULL)
			return;
	}
	key_exprs = list_make1(copyObject(pk_value));
	if (sk_value)
		key_exprs = lappend(key_exprs, copyObject(sk_value));

	/* a match: every join clause and the table's own conditions */
	match = list_concat(list_copy(join_clauses), innerrel->baserestrictinfo);

	paths[0] = outerrel->cheapest_total_path;
	paths[1] = outerrel->cheapest_startup_path;
	for (i = 0; i < 2; i++)
	{
		if (paths[i] == NULL || paths[i]->param_info != NULL ||
			(i == 1 && paths[1] == paths[0]))
			continue;
		add_keyjoin_path(root, joinrel, paths[i], innerrel, jointype,
						 match, other, key_exprs,
						 dynamo_get_server_options(rel->server));
	}
}

/* The clauses of a RestrictInfo list, pseudoconstant ones included. */
static List *
clauses_of(List *rinfos)
{
	List	   *result = NIL;
	ListCell   *lc;

	foreach(lc, rinfos)
		result = lappend(result, ((RestrictInfo *) lfirst(lc))->clause);
	return result;
}

/*
 * The foreign table's part of the scan tuple, after NOUTER outer columns:
 * its columns that ATTRS (offset by FirstLowInvalidHeapAttributeNumber)
 * names, and its key always, nulled by NULLING.  *whole_item set when a
 * document column needs the whole item.
 */
static List *
inner_scan_tlist(List *scan_tlist, const DynamoRelation *rel, Index inner_relid,
				 Bitmapset *attrs, Relids nulling, bool *whole_item)
{
	const DynamoTable *t = rel->meta;
	int			k;

	for (k = 0; k < rel->ncolumns; k++)
	{
		const DynamoColumn *col = &rel->columns[k];

		if (!col->dropped &&
			(strcmp(col->attr, t->partition_key) == 0 ||
			 (t->sort_key && strcmp(col->attr, t->sort_key) == 0)))
			attrs = bms_add_member(attrs, col->attnum - FirstLowInvalidHeapAttributeNumber);
	}
	*whole_item = false;
	k = -1;
	while ((k = bms_next_member(attrs, k)) >= 0)
	{
		AttrNumber	attnum = k + FirstLowInvalidHeapAttributeNumber;
		const DynamoColumn *col;

		if (attnum <= 0)
			elog(ERROR, "dynamo_fdw key join: unexpected system column %d", attnum);
		col = &rel->columns[attnum - 1];
		if (col->dropped)
			continue;
		scan_tlist = lappend(scan_tlist,
							 makeTargetEntry((Expr *) dynamo_var_nulled(makeVar(inner_relid, attnum,
																				col->type, col->typmod,
																				col->collation, 0),
																		nulling),
											 list_length(scan_tlist) + 1,
											 NULL, false));
		if (col->document)
			*whole_item = true;
	}
	return scan_tlist;
}

/*
 * ProjectionExpression of the foreign table's columns of SCAN_TLIST (after
 * NOUTER outer ones) and the key, names added to B; "" for the whole item.
 */
static char *
inner_projection(const DynamoRelation *rel, List *scan_tlist, int nouter,
				 bool whole_item, DynamoExprBuilder *b)
{
	List	   *names = NIL;
	int			k;

	if (whole_item)
		return pstrdup("");
	for (k = nouter; k < list_length(scan_tlist); k++)
	{
		Var		   *v = (Var *) ((TargetEntry *) list_nth(scan_tlist, k))->expr;

		names = list_append_unique(names, makeString(rel->columns[v->varattno - 1].attr));
	}
	return dynamo_projection(rel->meta, names, b);
}

/*
 * PlanCustomPath: the CustomScan of a key join path.  Its scan tuple is
 * the outer plan's columns, then the foreign table's that anything uses
 * (the key always); custom_exprs the key expressions and the join quals,
 * custom_private what KeyJoinPrivate lists.
 */
static Plan *
keyjoin_plan_path(PlannerInfo *root, RelOptInfo *joinrel,
				  CustomPath *best_path, List *tlist, List *clauses,
				  List *custom_plans)
{
	CustomScan *cs = makeNode(CustomScan);
	Plan	   *outer_plan = linitial(custom_plans);
	Path	   *outer_path = linitial(best_path->custom_paths);
	List	   *match = clauses_of(list_nth(best_path->custom_private, KeyJoinPathMatch));
	List	   *other = clauses_of(list_nth(best_path->custom_private, KeyJoinPathOther));
	List	   *key_exprs = list_nth(best_path->custom_private, KeyJoinPathKeys);
	int			jointype = intVal(list_nth(best_path->custom_private, KeyJoinPathType));
	Index		inner_relid;
	DynamoRelation *rel;
	const DynamoTable *t;
	DynamoExprBuilder b = {NIL, NIL};
	char	   *proj;
	List	   *scan_tlist = NIL;
	List	   *key_attrs;
	List	   *priv;
	Bitmapset  *attrs = NULL;
	bool		whole_item;
	int			nouter;
	ListCell   *lc;
	Relids		nulling;

	/* the inner relation: the joinrel's one member not on the outer side */
	inner_relid = bms_singleton_member(dynamo_base_relids(root,
														  bms_difference(joinrel->relids,
																		 outer_path->parent->relids)));
	/* from 16, the outer join this computes nulls the inner columns */
	nulling = dynamo_join_nulling_relids(root, joinrel->relids, outer_path->parent->relids);
	rel = dynamo_get_relation(planner_rt_fetch(inner_relid, root)->relid);
	t = rel->meta;

	/* scan tuple: the outer plan's columns as they come ... */
	foreach(lc, outer_plan->targetlist)
	{
		TargetEntry *tle = lfirst(lc);

		scan_tlist = lappend(scan_tlist,
							 makeTargetEntry(copyObject(tle->expr),
											 list_length(scan_tlist) + 1,
											 NULL, false));
	}
	nouter = list_length(scan_tlist);

	/*
	 * ... then the foreign table's columns that anything uses, keys always.
	 * The join's target, not TLIST: a projection above may replace TLIST
	 * (which is then empty) with expressions of the target's columns.
	 */
	pull_varattnos((Node *) joinrel->reltarget->exprs, inner_relid, &attrs);
	pull_varattnos((Node *) tlist, inner_relid, &attrs);
	pull_varattnos((Node *) match, inner_relid, &attrs);
	pull_varattnos((Node *) other, inner_relid, &attrs);
	scan_tlist = inner_scan_tlist(scan_tlist, rel, inner_relid, attrs, nulling,
								  &whole_item);
	proj = inner_projection(rel, scan_tlist, nouter, whole_item, &b);

	key_attrs = list_make1(makeString(t->partition_key));
	if (t->sort_key)
		key_attrs = lappend(key_attrs, makeString(t->sort_key));

	/* In KeyJoinPrivate order. */
	priv = list_make4(makeString(t->table_name),
					  makeString(rel->relname),
					  key_attrs,
					  makeString(proj));
	priv = lappend(priv, b.names);
	priv = lappend(priv, makeInteger(rel->consistent_read));
	priv = lappend(priv, makeInteger(jointype));
	priv = lappend(priv, makeInteger(nouter));

	cs->scan.plan.targetlist = tlist;
	cs->scan.plan.qual = other;
	cs->scan.scanrelid = 0;
	cs->flags = best_path->flags;
	cs->custom_plans = custom_plans;
	cs->custom_exprs = list_make2(key_exprs,
								  dynamo_nulled_vars((Node *) match, inner_relid, nulling));
	cs->custom_private = priv;
	cs->custom_scan_tlist = scan_tlist;
	cs->methods = &keyjoin_scan_methods;
	return &cs->scan.plan;
}

/* ---- execution ---- */

/* CreateCustomScanState: an empty KeyJoinState; keyjoin_begin fills it. */
static Node *
keyjoin_create_state(CustomScan *cscan)
{
	KeyJoinState *st = palloc0(sizeof(KeyJoinState));

	NodeSetTag(st, T_CustomScanState);
	st->css.methods = &keyjoin_exec_methods;
	return (Node *) st;
}

/*
 * BeginCustomScan: start the outer plan, read custom_private, prepare the
 * key expressions and join quals; then, unless only explaining, connect
 * as the foreign table's user mapping says and make the batch's memory.
 */
static void
keyjoin_begin(CustomScanState *node, EState *estate, int eflags)
{
	KeyJoinState *st = (KeyJoinState *) node;
	CustomScan *cs = (CustomScan *) node->ss.ps.plan;
	List	   *priv = cs->custom_private;
	List	   *key_exprs = linitial(cs->custom_exprs);
	TargetEntry *first_inner;
	RangeTblEntry *rte;
	ListCell   *lc;
	int			i;

	st->outer = ExecInitNode(linitial(cs->custom_plans), estate, eflags);
	node->custom_ps = list_make1(st->outer);

	st->table = strVal(list_nth(priv, KeyJoinTable));
	st->relname = strVal(list_nth(priv, KeyJoinRelation));
	st->key_attrs = list_nth(priv, KeyJoinKeyAttrs);
	st->pk = strVal(linitial(st->key_attrs));
	st->sk = list_length(st->key_attrs) > 1 ? strVal(lsecond(st->key_attrs)) : NULL;
	st->projection = strVal(list_nth(priv, KeyJoinProjection));
	st->names = list_nth(priv, KeyJoinNames);
	st->consistent = intVal(list_nth(priv, KeyJoinConsistentRead)) != 0;
	st->jointype = (JoinType) intVal(list_nth(priv, KeyJoinType));
	st->nouter = intVal(list_nth(priv, KeyJoinNumOuter));
	st->ninner = list_length(cs->custom_scan_tlist) - st->nouter;

	foreach(lc, key_exprs)
	{
		st->key_states = lappend(st->key_states,
								 ExecInitExpr(lfirst(lc), (PlanState *) node));
		st->key_types = lappend_oid(st->key_types, exprType(lfirst(lc)));
	}
	st->match = ExecInitQual(lsecond(cs->custom_exprs), (PlanState *) node);

	if (eflags & EXEC_FLAG_EXPLAIN_ONLY)
		return;

	/* the foreign table: from its first column (set_plan_refs fixed varno) */
	first_inner = list_nth(cs->custom_scan_tlist, st->nouter);
	rte = exec_rt_fetch(((Var *) first_inner->expr)->varno, estate);
	st->rel = dynamo_get_relation(rte->relid);
	{
		/* as scan.c: the view owner's user mapping for a view's query */
		Oid			userid = dynamo_rte_check_as_user(estate, rte);

		if (!OidIsValid(userid))
			userid = GetUserId();

		st->conn = dynamo_connect(st->rel->server,
								  GetUserMapping(userid, st->rel->server->serverid));
	}

	st->reader = dynamo_row_reader_create(st->ninner);
	for (i = 0; i < st->ninner; i++)
	{
		TargetEntry *tle = list_nth(cs->custom_scan_tlist, st->nouter + i);
		const DynamoColumn *col = &st->rel->columns[((Var *) tle->expr)->varattno - 1];

		dynamo_row_reader_add(st->reader, col, st->nouter + i);
	}

	st->outer_slot = ExecInitExtraTupleSlot(estate, ExecGetResultType(st->outer),
											&TTSOpsMinimalTuple);
	st->batch_cxt = AllocSetContextCreate(estate->es_query_cxt, "dynamo_fdw key join batch",
										  ALLOCSET_DEFAULT_SIZES);
	st->row_cxt = AllocSetContextCreate(estate->es_query_cxt, "dynamo_fdw key join row",
										ALLOCSET_SMALL_SIZES);
	st->carry_cxt = AllocSetContextCreate(estate->es_query_cxt, "dynamo_fdw key join carry",
										  ALLOCSET_SMALL_SIZES);
	st->rows = palloc(sizeof(MinimalTuple) * KEYJOIN_GROUP_ROWS);
	st->row_key = palloc(sizeof(int) * KEYJOIN_GROUP_ROWS);
	st->keys = palloc(sizeof(DynamoValue *) * KEYJOIN_GROUP_KEYS);
	st->key_strings = palloc(sizeof(char *) * KEYJOIN_GROUP_KEYS);
	st->key_item = palloc(sizeof(DynamoValue *) * KEYJOIN_GROUP_KEYS);
}

/* dynamo_key_string of ITEM (or of a key): equal for equal keys. */
static char *
key_string(KeyJoinState *st, const DynamoValue *item)
{
	return dynamo_key_string(item, st->pk, st->sk);
}

/*
 * Put the outer row in SLOT into the scan tuple, the foreign table's
 * columns NULL; the tuple is left unstored for the caller to finish.
 */
static void
fill_outer(KeyJoinState *st, TupleTableSlot *outer)
{
	TupleTableSlot *scan = st->css.ss.ss_ScanTupleSlot;

	ExecClearTuple(scan);
	slot_getallattrs(outer);
	memcpy(scan->tts_values, outer->tts_values, sizeof(Datum) * st->nouter);
	memcpy(scan->tts_isnull, outer->tts_isnull, sizeof(bool) * st->nouter);
	memset(scan->tts_isnull + st->nouter, true, sizeof(bool) * st->ninner);
}

/*
 * The key an outer row asks for: sets *keyp to the key object and returns
 * its dynamo_key_string(), or NULL when the row can match no item (a NULL
 * or empty key value, or one that has no DynamoDB form).  In the batch
 * context.
 */
static char *
outer_key(KeyJoinState *st, TupleTableSlot *outer, DynamoValue **keyp)
{
	ExprContext *econtext = st->css.ss.ps.ps_ExprContext;
	DynamoValue *key = dynamo_value_object();
	ListCell   *lc,
			   *tc;
	int			j = 0;

	fill_outer(st, outer);
	ExecStoreVirtualTuple(st->css.ss.ss_ScanTupleSlot);
	econtext->ecxt_scantuple = st->css.ss.ss_ScanTupleSlot;
	forboth(lc, st->key_states, tc, st->key_types)
	{
		bool		isnull;
		Datum		d = ExecEvalExpr(lfirst(lc), econtext, &isnull);
		DynamoValue *av;

		if (isnull || !dynamo_value_storable(d, lfirst_oid(tc)) ||
			(av = dynamo_datum_av(d, lfirst_oid(tc))) == NULL)
			return NULL;
		dynamo_value_set(key, strVal(list_nth(st->key_attrs, j++)), av);
		if (dynamo_av_is_empty_key(av))
			return NULL;
	}
	ResetExprContext(econtext);
	*keyp = key;
	return key_string(st, key);
}

/*
 * Add the outer row in SLOT to the batch, with its key; false, adding
 * nothing, when its key is new and the batch has all the keys one request
 * takes.  In the batch context.
 */
static bool
add_row(KeyJoinState *st, TupleTableSlot *slot)
{
	DynamoValue *key = NULL;
	char	   *keystr = outer_key(st, slot, &key);
	int			k = -1;
	int			i;

	if (keystr)
	{
		for (i = 0; i < st->nkeys && k < 0; i++)
			if (strcmp(st->key_strings[i], keystr) == 0)
				k = i;
		if (k < 0)
		{
			if (st->nkeys >= KEYJOIN_GROUP_KEYS)
				return false;
			st->keys[st->nkeys] = key;
			st->key_strings[st->nkeys] = keystr;
			st->key_item[st->nkeys] = NULL;
			k = st->nkeys++;
		}
	}
	st->rows[st->nrows] = ExecCopySlotMinimalTuple(slot);
	st->row_key[st->nrows] = k;
	st->nrows++;
	return true;
}

/*
 * Record ITEM (as this transaction sees it) as the answer to its key, one
 * of keys FIRST to LAST - 1.
 */
static void
found_item(KeyJoinState *st, const DynamoValue *item, int first, int last)
{
	char	   *keystr;
	int			i;

	if (item == NULL || (keystr = key_string(st, item)) == NULL)
		return;
	for (i = first; i < last; i++)
		if (strcmp(st->key_strings[i], keystr) == 0)
		{
			if (st->key_item[i] == NULL)
				st->key_item[i] = item;
			return;
		}
}

/*
 * ITEM as this transaction sees it (VIEW: its buffered writes to the
 * table, or NULL): ITEM, NULL when deleted, or the item it made.
 */
static const DynamoValue *
item_seen(DynamoTxnView *view, const DynamoValue *item)
{
	if (view == NULL)
		return item;
	return dynamo_txn_overlay(view, unconstify(DynamoValue *, item));
}

/* The BatchGetItem request for keys FIRST to LAST - 1. */
static DynamoGetRequest
batch_request(KeyJoinState *st, int first, int last)
{
	DynamoGetRequest req;
	int			i;

	memset(&req, 0, sizeof(req));
	req.table = st->table;
	req.keys = dynamo_value_array();
	for (i = first; i < last; i++)
		dynamo_value_append(req.keys, dynamo_value_copy(st->keys[i]));
	req.consistent = st->consistent;
	req.projection = st->projection;
	req.names = dynamo_names_object(st->names, list_length(st->names));
	return req;
}

/*
 * The answers to one round of requests: their items, as this transaction
 * sees them, to their keys; the requests of keys left unprocessed, in
 * NEXT (with CHUNK and STALLS), for the next round.  Returns how many, and
 * in *most_stalls the most rounds one of them went without progress.
 */
static int
take_answers(KeyJoinState *st, DynamoTxnView *view, DynamoGetRequest *reqs,
			 DynamoPage **pages, int n, int *chunk, int *stalls,
			 DynamoGetRequest *next, int *next_chunk, int *next_stalls,
			 int *most_stalls)
{
	int			nnext = 0;
	int			i;

	*most_stalls = 0;
	for (i = 0; i < n; i++)
	{
		int			first = chunk[i] * KEYJOIN_BATCH_KEYS;
		int			last = Min(st->nkeys, first + KEYJOIN_BATCH_KEYS);
		int			j;

		st->capacity += pages[i]->capacity;
		for (j = 0; j < pages[i]->nitems; j++)
		{
			st->items_fetched++;
			found_item(st, item_seen(view, pages[i]->items[j]), first, last);
		}
		if (pages[i]->unprocessed == NULL)
			continue;
		next_stalls[nnext] = dynamo_op_batch_get_stalls(st->conn, &reqs[i], pages[i], stalls[i]);
		*most_stalls = Max(*most_stalls, next_stalls[nnext]);
		next[nnext] = reqs[i];
		next[nnext].keys = pages[i]->unprocessed;
		next_chunk[nnext++] = chunk[i];
	}
	return nnext;
}

/*
 * Ask DynamoDB for the group's distinct keys: one BatchGetItem per 100,
 * up to KEYJOIN_IN_FLIGHT of them in flight at once, and again for
 * whatever comes back unprocessed (a pause first, as the SDKs do: the
 * first, shortest backoff of dynamo_retry_pause, since a round that read
 * items is progress; a request whose every key comes back unprocessed is
 * throttled: backoff, and after max_attempts such answers to it an error).  Then this transaction's
 * buffered writes: its changes and deletions of those items, and the
 * items it created.  In the batch context.
 */
static void
fetch_keys(KeyJoinState *st)
{
	DynamoGetRequest reqs[KEYJOIN_IN_FLIGHT];
	int			chunk[KEYJOIN_IN_FLIGHT];	/* whose keys each request asks */
	int			stalls[KEYJOIN_IN_FLIGHT];	/* its rounds answered with nothing */
	int			npending = 0;
	DynamoTxnView *view;
	DynamoValue *unseen;
	int			i;

	if (st->nkeys == 0)
		return;
	view = dynamo_txn_view(st->rel->server->serverid, st->table, st->key_attrs);
	for (i = 0; i * KEYJOIN_BATCH_KEYS < st->nkeys; i++)
	{
		reqs[npending] = batch_request(st, i * KEYJOIN_BATCH_KEYS,
									   Min(st->nkeys, (i + 1) * KEYJOIN_BATCH_KEYS));
		stalls[npending] = 0;
		chunk[npending++] = i;
	}
	st->batches += npending;
	st->keys_asked += st->nkeys;

	while (npending > 0)
	{
		DynamoPage *pages[KEYJOIN_IN_FLIGHT];
		DynamoGetRequest next[KEYJOIN_IN_FLIGHT];
		int			next_chunk[KEYJOIN_IN_FLIGHT];
		int			next_stalls[KEYJOIN_IN_FLIGHT];
		int			nnext;
		int			most_stalls;

		CHECK_FOR_INTERRUPTS();
		dynamo_op_batch_get_item_many(st->conn, reqs, npending, pages);
		st->requests += npending;
		nnext = take_answers(st, view, reqs, pages, npending, chunk, stalls,
							 next, next_chunk, next_stalls, &most_stalls);
		if (most_stalls > 0)
			dynamo_retry_pause(most_stalls - 1, true);
		else if (nnext > 0)
			dynamo_retry_pause(0, false);	/* progress: the first backoff */
		memcpy(reqs, next, sizeof(DynamoGetRequest) * nnext);
		memcpy(chunk, next_chunk, sizeof(int) * nnext);
		memcpy(stalls, next_stalls, sizeof(int) * nnext);
		npending = nnext;
	}

	/* the items the transaction made that DynamoDB has not */
	while (view && (unseen = dynamo_txn_next_unseen(view)) != NULL)
		found_item(st, unseen, 0, st->nkeys);
}

/*
 * Read the next batch of outer rows and fetch their items.  The outer plan
 * runs in the caller's (query) context, which its scans must outlive; only
 * the batch's copies go into the batch context.  The row whose new key did
 * not fit waits in the carry context for the next batch.
 */
static void
next_batch(KeyJoinState *st)
{
	MemoryContext oldcxt;

	MemoryContextReset(st->batch_cxt);
	st->nrows = 0;
	st->pos = 0;
	st->nkeys = 0;
	if (st->carry)
	{
		ExecStoreMinimalTuple(st->carry, st->outer_slot, false);
		oldcxt = MemoryContextSwitchTo(st->batch_cxt);
		add_row(st, st->outer_slot);	/* an empty batch takes any row */
		MemoryContextSwitchTo(oldcxt);
		ExecClearTuple(st->outer_slot);
		st->carry = NULL;
		MemoryContextReset(st->carry_cxt);
	}
	while (st->nrows < KEYJOIN_GROUP_ROWS && !st->outer_done)
	{
		TupleTableSlot *slot = ExecProcNode(st->outer);
		bool		added;

		if (TupIsNull(slot))
		{
			st->outer_done = true;
			break;
		}
		oldcxt = MemoryContextSwitchTo(st->batch_cxt);
		added = add_row(st, slot);
		MemoryContextSwitchTo(oldcxt);
		if (!added)
		{
			oldcxt = MemoryContextSwitchTo(st->carry_cxt);
			st->carry = ExecCopySlotMinimalTuple(slot);
			MemoryContextSwitchTo(oldcxt);
			break;
		}
	}
	if (st->nrows > 0)
	{
		oldcxt = MemoryContextSwitchTo(st->batch_cxt);
		fetch_keys(st);
		MemoryContextSwitchTo(oldcxt);
	}
}

/* Name table, column and key of the item being converted. */
static void
keyjoin_error_callback(void *arg)
{
	KeyJoinState *st = arg;
	char	   *key;

	if (st->current_item == NULL)
		return;
	key = dynamo_key_display(st->current_item, st->pk, st->sk);
	if (st->reader->current_column)
		errcontext("column \"%s\" of foreign table \"%s\", item with key %s",
				   st->reader->current_column, st->relname, key);
	else
		errcontext("foreign table \"%s\", item with key %s", st->relname, key);
}

/* Fill the scan tuple's foreign columns from ITEM; in the row context. */
static void
fill_inner(KeyJoinState *st, const DynamoValue *item)
{
	TupleTableSlot *scan = st->css.ss.ss_ScanTupleSlot;
	ErrorContextCallback errcb;

	st->current_item = item;
	errcb.callback = keyjoin_error_callback;
	errcb.arg = st;
	errcb.previous = error_context_stack;
	error_context_stack = &errcb;
	dynamo_row_read(st->reader, item, scan->tts_values, scan->tts_isnull);
	error_context_stack = errcb.previous;
	st->current_item = NULL;
}

/*
 * The next joined row (ExecScan's access method): each outer row in order,
 * with its item when the join quals accept it; for a left join, NULL-
 * extended otherwise; for an anti join, only the rows without a match.
 */
static TupleTableSlot *
keyjoin_next(ScanState *node)
{
	KeyJoinState *st = (KeyJoinState *) node;
	TupleTableSlot *scan = node->ss_ScanTupleSlot;
	ExprContext *econtext = node->ps.ps_ExprContext;

	for (;;)
	{
		const DynamoValue *item;
		MemoryContext oldcxt;
		int			i;

		CHECK_FOR_INTERRUPTS();
		if (st->pos >= st->nrows)
		{
			if (st->outer_done && st->carry == NULL)
				return ExecClearTuple(scan);
			next_batch(st);
			continue;
		}
		i = st->pos++;
		MemoryContextReset(st->row_cxt);
		ExecStoreMinimalTuple(st->rows[i], st->outer_slot, false);
		fill_outer(st, st->outer_slot);
		item = st->row_key[i] >= 0 ? st->key_item[st->row_key[i]] : NULL;
		if (item)
		{
			oldcxt = MemoryContextSwitchTo(st->row_cxt);
			fill_inner(st, item);
			MemoryContextSwitchTo(oldcxt);
			ExecStoreVirtualTuple(scan);
			econtext->ecxt_scantuple = scan;
			if (ExecQual(st->match, econtext))
			{
				/* a full key matches one item at most: semi is inner */
				if (st->jointype == JOIN_ANTI)
					continue;
				return scan;
			}
			ResetExprContext(econtext);
			fill_outer(st, st->outer_slot);
		}
		/* no match: left and anti joins emit the row NULL-extended */
		if (st->jointype != JOIN_LEFT && st->jointype != JOIN_ANTI)
			continue;
		ExecStoreVirtualTuple(scan);
		return scan;
	}
}

/* Never called: see keyjoin_exec. */
static bool
keyjoin_recheck(ScanState *node, TupleTableSlot *slot)
{
	return true;
}

/*
 * ExecScan's work: the next joined row that passes the plan's qual,
 * projected.  Under EvalPlanQual (a subquery of an UPDATE or DELETE that
 * met a concurrent update) ExecScan would treat this node as a scan whose
 * one row is already known; it is a join, so it runs as usual there, as a
 * nested loop would: its outer plan gives the rows EvalPlanQual wants.
 */
static TupleTableSlot *
keyjoin_exec(CustomScanState *node)
{
	ExprContext *econtext = node->ss.ps.ps_ExprContext;
	ExprState  *qual = node->ss.ps.qual;
	ProjectionInfo *proj = node->ss.ps.ps_ProjInfo;

	if (node->ss.ps.state->es_epq_active == NULL)
		return ExecScan(&node->ss, keyjoin_next, keyjoin_recheck);

	ResetExprContext(econtext);
	for (;;)
	{
		TupleTableSlot *slot = keyjoin_next(&node->ss);

		if (TupIsNull(slot))
			return proj ? ExecClearTuple(proj->pi_state.resultslot) : slot;
		econtext->ecxt_scantuple = slot;
		if (qual == NULL || ExecQual(qual, econtext))
			return proj ? ExecProject(proj) : slot;
		InstrCountFiltered1(node, 1);
		ResetExprContext(econtext);
	}
}

/*
 * ReScanCustomScan: forget the batch and the carried row, and rescan the
 * outer plan (unless a changed parameter makes the executor do it).
 */
static void
keyjoin_rescan(CustomScanState *node)
{
	KeyJoinState *st = (KeyJoinState *) node;

	st->nrows = 0;
	st->pos = 0;
	st->nkeys = 0;
	st->outer_done = false;
	st->carry = NULL;
	if (st->batch_cxt)
		MemoryContextReset(st->batch_cxt);
	if (st->carry_cxt)
		MemoryContextReset(st->carry_cxt);
	if (node->ss.ps.chgParam != NULL)
		UpdateChangedParamSet(st->outer, node->ss.ps.chgParam);
	if (st->outer->chgParam == NULL)
		ExecReScan(st->outer);
}

/* EndCustomScan: end the outer plan; the memory goes with the query's. */
static void
keyjoin_end(CustomScanState *node)
{
	KeyJoinState *st = (KeyJoinState *) node;

	ExecEndNode(st->outer);
}

/* ---- EXPLAIN ---- */

/*
 * ExplainCustomScan: the operation, table, join type and key expressions,
 * the join filter and projection; with ANALYZE, the requests, batches,
 * keys and items the join took.
 */
static void
keyjoin_explain(CustomScanState *node, List *ancestors, ExplainState *es)
{
	KeyJoinState *st = (KeyJoinState *) node;
	CustomScan *cs = (CustomScan *) node->ss.ps.plan;
	List	   *context;
	bool		useprefix = es->verbose || list_length(es->rtable) > 1;
	StringInfoData buf;
	ListCell   *lc;
	int			i = 0;

	context = set_deparse_context_plan(es->deparse_cxt, &cs->scan.plan, ancestors);

	ExplainPropertyText("DynamoDB Operation", "BatchGetItem (batched key join)", es);
	ExplainPropertyText("DynamoDB Table", st->table, es);
	ExplainPropertyText("Join Type",
						st->jointype == JOIN_LEFT ? "Left" :
						st->jointype == JOIN_SEMI ? "Semi" :
						st->jointype == JOIN_ANTI ? "Anti" : "Inner", es);
	ExplainPropertyInteger("Keys per Batch", NULL, KEYJOIN_BATCH_KEYS, es);

	initStringInfo(&buf);
	foreach(lc, (List *) linitial(cs->custom_exprs))
	{
		appendStringInfo(&buf, "%s%s = %s", i > 0 ? ", " : "",
						 strVal(list_nth(st->key_attrs, i)),
						 deparse_expression(lfirst(lc), context, useprefix, false));
		i++;
	}
	ExplainPropertyText("DynamoDB Key", buf.data, es);

	if (lsecond(cs->custom_exprs) != NIL)
		ExplainPropertyText("Join Filter",
							deparse_expression((Node *) make_ands_explicit(lsecond(cs->custom_exprs)),
											   context, useprefix, false),
							es);
	if (st->projection[0])
		ExplainPropertyText("Projection", st->projection, es);
	if (es->verbose && st->names)
	{
		resetStringInfo(&buf);
		i = 0;
		foreach(lc, st->names)
		{
			appendStringInfo(&buf, "%s#n%d = %s", i > 0 ? ", " : "", i,
							 strVal(lfirst(lc)));
			i++;
		}
		ExplainPropertyText("Attribute Names", buf.data, es);
	}
	if (st->consistent)
		ExplainPropertyBool("Consistent Read", true, es);

	if (es->analyze && st->rel)
	{
		ExplainPropertyUInteger("DynamoDB Requests", NULL, st->requests, es);
		ExplainPropertyUInteger("Batches", NULL, st->batches, es);
		ExplainPropertyUInteger("Keys Requested", NULL, st->keys_asked, es);
		ExplainPropertyUInteger("Items Fetched", NULL, st->items_fetched, es);
		ExplainPropertyFloat("Consumed Capacity", NULL, st->capacity, 1, es);
	}
}

/* ---- registration ---- */

/*
 * Called once from _PG_init: register the plan node (so plans can be
 * copied and read back) and the join path hook.
 */
void
dynamo_keyjoin_init(void)
{
	RegisterCustomScanMethods(&keyjoin_scan_methods);
	prev_join_pathlist_hook = set_join_pathlist_hook;
	set_join_pathlist_hook = keyjoin_join_pathlist;
}
