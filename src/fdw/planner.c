/*-------------------------------------------------------------------------
 *
 * planner.c
 *		  Planning scans of DynamoDB foreign tables: which operation, on
 *		  which table or index, with which conditions.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/planner.c
 *
 * In order of preference:
 *	GetItem			the full primary key is fixed by equalities;
 *	BatchGetItem	a list of full keys (IN / = ANY on the key attributes);
 *	Query			the partition key of the table or of an index is fixed,
 *					with at most one sort key condition; an index is used
 *					only when it holds every attribute the query needs;
 *	Scan			everything else.
 * Conditions deparse.c accepts become the key condition or the filter and
 * are dropped from the local quals; everything else is checked locally.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/sysattr.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "optimizer/pathnode.h"
#include "optimizer/paths.h"
#include "optimizer/planmain.h"
#include "optimizer/restrictinfo.h"
#include "optimizer/tlist.h"
#include "access/stratnum.h"
#include "catalog/pg_am.h"
#include "catalog/pg_aggregate.h"
#include "utils/fmgroids.h"
#include "catalog/pg_collation.h"
#include "commands/defrem.h"
#include "utils/builtins.h"
#include "utils/pg_locale.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

#include "ddb_limits.h"
#include "deparse.h"
#include "dynamo_fdw.h"
#include "planner.h"
#include "server_options.h"
#include "table.h"
#include "txn.h"

#define DYNAMO_PAGE_BYTES		((double) DYNAMO_MAX_PAGE_BYTES)

/* A COUNT(*) of a large table: segments read together, at most (http.c's limit). */
#define DYNAMO_COUNT_SEGMENTS	16

/* An item Scan of a large table: segments read ahead, at most, and pages a segment. */
#define DYNAMO_AHEAD_SEGMENTS	4
#define DYNAMO_PAGES_A_SEGMENT	4

/* A parallel Scan's segments, at most (DynamoDB allows 1,000,000). */
#define DYNAMO_MAX_SCAN_SEGMENTS	1000
#define DYNAMO_DEFAULT_ITEMS	1000.0
/* BatchGetItem keys we plan for at most: beyond, a Query or Scan is fine. */
#define DYNAMO_MAX_PLANNED_KEYS	1000

/* A restriction and, when DynamoDB can evaluate it, its classification. */
typedef struct DynamoQual
{
	RestrictInfo *rinfo;
	DynamoCond *cond;			/* NULL: local only */
} DynamoQual;

/* What GetForeignRelSize learns, for GetForeignPaths and GetForeignPlan. */
typedef struct DynamoPlanInfo
{
	DynamoRelation *rel;
	List	   *quals;			/* DynamoQual * */
	Bitmapset  *attrs_used;		/* needed columns, offset by FirstLowInvalid... */
	double		items;			/* items in the table */
	double		item_bytes;
	double		request_cost;	/* server options request_cost, item_cost */
	double		item_cost;
} DynamoPlanInfo;

/* The chosen way to read; kept in the path's fdw_private. */
typedef struct DynamoChoice
{
	DynamoOperation op;
	const DynamoIndex *index;	/* Query on an index; NULL: the table */
	DynamoQual *pk;				/* partition key equality (or IN) */
	DynamoQual *sk;				/* sort key condition(s) ... */
	DynamoQual *sk2;			/* ... the second half of a BETWEEN */
	List	   *filter;			/* DynamoQual * pushed as FilterExpression */
	List	   *local;			/* RestrictInfo * checked locally */
	double		rows;
	double		requests;
	bool		ordered;		/* Query results promised in sort key order */
	bool		forward;		/* ... ascending (ScanIndexForward) */
	int			limit;			/* page size hint from LIMIT, or -1 */
	int			parallel_segments;	/* a parallel Scan: its TotalSegments,
									 * which the workers share; else 0 */
} DynamoChoice;

const char *const dynamo_operation_names[] = {
	"GetItem", "BatchGetItem", "Query", "Scan"
};

static bool
is_key_eq(const DynamoQual *q, const char *attr, char type)
{
	const DynamoCond *c = q->cond;

	return c && c->kind == DYNAMO_COND_CMP && c->cmp == DYNAMO_CMP_EQ &&
		strcmp(c->column->attr, attr) == 0 &&
		dynamo_family_tag(c->column) == type;
}

static bool
is_key_in(const DynamoQual *q, const char *attr, char type)
{
	const DynamoCond *c = q->cond;

	return c && c->kind == DYNAMO_COND_IN && strcmp(c->column->attr, attr) == 0 &&
		dynamo_family_tag(c->column) == type;
}

/*
 * Sort key conditions a KeyConditionExpression allows.  Only with a known,
 * non-empty value: DynamoDB refuses an empty string or binary in a key
 * condition, where PostgreSQL would just compare (a parameter's value is
 * not known until run time, so such conditions stay local).
 */
static bool
is_sort_key_cond(const DynamoQual *q, const char *attr, char type)
{
	const DynamoCond *c = q->cond;
	Expr	   *v;

	if (c == NULL || (c->kind != DYNAMO_COND_CMP && c->kind != DYNAMO_COND_PREFIX) ||
		strcmp(c->column->attr, attr) != 0 ||
		dynamo_family_tag(c->column) != type)
		return false;
	v = linitial(c->values);
	while (IsA(v, RelabelType))
		v = ((RelabelType *) v)->arg;
	if (!IsA(v, Const) || ((Const *) v)->constisnull)
		return false;
	if (type != DYNAMO_TYPE_N &&
		VARSIZE_ANY_EXHDR(DatumGetPointer(((Const *) v)->constvalue)) == 0)
		return false;
	if (c->kind == DYNAMO_COND_PREFIX)
		return type == DYNAMO_TYPE_S;
	return c->kind == DYNAMO_COND_CMP && c->cmp != DYNAMO_CMP_NE;
}

/*
 * Does a condition of QUALS hold only for items that have attribute ATTR
 * (not NULL)?  An index holds no item that lacks its sort key, so a Query
 * on it without a sort key condition would miss those items otherwise.
 */
static bool
requires_attr(List *quals, const char *attr)
{
	ListCell   *lc;

	foreach(lc, quals)
	{
		const DynamoCond *c = ((DynamoQual *) lfirst(lc))->cond;

		if (c && c->column && c->kind != DYNAMO_COND_IS_NULL &&
			strcmp(c->column->attr, attr) == 0)
			return true;
	}
	return false;
}

static DynamoQual *
find_qual(List *quals, bool (*test) (const DynamoQual *, const char *, char),
		  const char *attr, char type)
{
	ListCell   *lc;

	foreach(lc, quals)
		if (test(lfirst(lc), attr, type))
			return lfirst(lc);
	return NULL;
}

/* Does ATTR belong to what an index on the table holds? */
static bool
index_holds(const DynamoTable *t, const DynamoIndex *ix, const char *attr)
{
	ListCell   *lc;

	if (ix->projection == DYNAMO_PROJECT_ALL)
		return true;
	if (strcmp(attr, t->partition_key) == 0 ||
		(t->sort_key && strcmp(attr, t->sort_key) == 0) ||
		strcmp(attr, ix->partition_key) == 0 ||
		(ix->sort_key && strcmp(attr, ix->sort_key) == 0))
		return true;
	if (ix->projection == DYNAMO_PROJECT_INCLUDE)
		foreach(lc, ix->include)
			if (strcmp(strVal(lfirst(lc)), attr) == 0)
				return true;
	return false;
}

static bool
index_covers(const DynamoPlanInfo *info, const DynamoIndex *ix)
{
	int			i;

	/* a whole-row reference needs every attribute, as a document column does */
	if (bms_is_member(0 - FirstLowInvalidHeapAttributeNumber, info->attrs_used) &&
		ix->projection != DYNAMO_PROJECT_ALL)
		return false;
	for (i = 0; i < info->rel->ncolumns; i++)
	{
		const DynamoColumn *col = &info->rel->columns[i];

		if (col->dropped ||
			!bms_is_member(col->attnum - FirstLowInvalidHeapAttributeNumber,
						   info->attrs_used))
			continue;
		if (col->document)
		{
			if (ix->projection != DYNAMO_PROJECT_ALL)
				return false;
		}
		else if (!index_holds(info->rel->meta, ix, col->attr))
			return false;
	}
	return true;
}

/*
 * Is the constant bound LO at most HI in DynamoDB's order?  DynamoDB
 * refuses a BETWEEN whose bounds are the wrong way round, where PostgreSQL
 * just finds no row.  Strings compare by bytes (the C collation), numbers
 * and binary as PostgreSQL's own comparison does.  False when unsure.
 */
static bool
bounds_in_order(Expr *lo, Expr *hi)
{
	TypeCacheEntry *tce;
	Const	   *l,
			   *h;

	while (IsA(lo, RelabelType))
		lo = ((RelabelType *) lo)->arg;
	while (IsA(hi, RelabelType))
		hi = ((RelabelType *) hi)->arg;
	if (!IsA(lo, Const) || !IsA(hi, Const))
		return false;
	l = (Const *) lo;
	h = (Const *) hi;
	if (l->constisnull || h->constisnull || l->consttype != h->consttype)
		return false;
	tce = lookup_type_cache(l->consttype, TYPECACHE_CMP_PROC_FINFO);
	if (!OidIsValid(tce->cmp_proc_finfo.fn_oid))
		return false;
	return DatumGetInt32(FunctionCall2Coll(&tce->cmp_proc_finfo, C_COLLATION_OID,
										   l->constvalue, h->constvalue)) <= 0;
}

/*
 * Pick the sort key condition: equality first, else a BETWEEN made of an
 * inclusive lower and upper bound (in order), else a prefix, else one bound.
 */
static void
pick_sort_condition(List *quals, const char *sk, char type, DynamoChoice *ch)
{
	DynamoQual *lower = NULL,
			   *upper = NULL,
			   *any = NULL;
	ListCell   *lc;

	foreach(lc, quals)
	{
		DynamoQual *q = lfirst(lc);

		if (!is_sort_key_cond(q, sk, type))
			continue;
		if (q->cond->kind == DYNAMO_COND_CMP && q->cond->cmp == DYNAMO_CMP_EQ)
		{
			ch->sk = q;
			return;
		}
		if (q->cond->kind == DYNAMO_COND_CMP && q->cond->cmp == DYNAMO_CMP_GE && !lower)
			lower = q;
		else if (q->cond->kind == DYNAMO_COND_CMP && q->cond->cmp == DYNAMO_CMP_LE && !upper)
			upper = q;
		if (!any || q->cond->kind == DYNAMO_COND_PREFIX)
			any = q;
	}
	if (lower && upper &&
		bounds_in_order(linitial(lower->cond->values), linitial(upper->cond->values)))
	{
		ch->sk = lower;
		ch->sk2 = upper;
	}
	else
		ch->sk = any;
}

static double
clamp_rows(double r)
{
	return r < 1.0 ? 1.0 : rint(r);
}

/*
 * Split the quals not used by the key into filter and local, given the
 * attributes a Query may not filter on (its key attributes).
 */
static void
split_rest(DynamoChoice *ch, List *quals, const char *const *keys, int nkeys,
		   bool filter_allowed)
{
	ListCell   *lc;

	foreach(lc, quals)
	{
		DynamoQual *q = lfirst(lc);
		bool		ok = filter_allowed && q->cond != NULL;
		int			i;

		if (q == ch->pk || q == ch->sk || q == ch->sk2)
			continue;
		for (i = 0; ok && i < nkeys; i++)
			if (keys[i] && dynamo_cond_uses_attr(q->cond, keys[i]))
				ok = false;
		if (ok)
			ch->filter = lappend(ch->filter, q);
		else
			ch->local = lappend(ch->local, q->rinfo);
	}
}

/*
 * Choose how to read the rows that QUALS select: the first of GetItem,
 * BatchGetItem, Query (on the table, then on each index that covers the
 * query) and Scan that the conditions allow, with its estimated rows and
 * requests.  Kept in one piece, over 100 lines: the order of the cases is
 * the order of preference, which is easier to check read top to bottom.
 */
static DynamoChoice *
choose_operation(PlannerInfo *root, RelOptInfo *baserel, DynamoPlanInfo *info,
				 List *quals)
{
	const DynamoTable *t = info->rel->meta;
	DynamoChoice *ch = palloc0(sizeof(DynamoChoice));
	DynamoQual *pk_eq = find_qual(quals, is_key_eq, t->partition_key, t->partition_type);
	DynamoQual *pk_in = pk_eq ? NULL : find_qual(quals, is_key_in, t->partition_key, t->partition_type);
	DynamoQual *sk_eq = NULL,
			   *sk_in = NULL;
	double		sel;
	ListCell   *lc;

	ch->limit = -1;
	ch->forward = true;
	sel = clauselist_selectivity(root,
								 extract_actual_clauses(baserel->baserestrictinfo, false),
								 baserel->relid, JOIN_INNER, NULL);

	if (t->sort_key)
	{
		sk_eq = find_qual(quals, is_key_eq, t->sort_key, t->sort_type);
		if (!sk_eq)
			sk_in = find_qual(quals, is_key_in, t->sort_key, t->sort_type);
	}

	/* GetItem */
	if (pk_eq && (t->sort_key == NULL || sk_eq))
	{
		ch->op = DYNAMO_OP_GET_ITEM;
		ch->pk = pk_eq;
		ch->sk = sk_eq;
		split_rest(ch, quals, NULL, 0, false);
		ch->rows = 1;
		ch->requests = 1;
		return ch;
	}

	/* BatchGetItem */
	if ((pk_eq || pk_in) && (t->sort_key == NULL || sk_eq || sk_in))
	{
		int			nkeys = (pk_eq ? 1 : list_length(pk_in->cond->values)) *
			(t->sort_key == NULL || sk_eq ? 1 : list_length(sk_in->cond->values));

		if (nkeys <= DYNAMO_MAX_PLANNED_KEYS)
		{
			ch->op = DYNAMO_OP_BATCH_GET_ITEM;
			ch->pk = pk_eq ? pk_eq : pk_in;
			ch->sk = sk_eq ? sk_eq : sk_in;
			split_rest(ch, quals, NULL, 0, false);
			ch->rows = nkeys;
			ch->requests = ceil(nkeys / (double) DYNAMO_MAX_BATCH_GET_KEYS);
			return ch;
		}
	}

	/* Query on the table, else on the first index that serves best. */
	if (pk_eq)
	{
		ch->op = DYNAMO_OP_QUERY;
		ch->pk = pk_eq;
		if (t->sort_key)
			pick_sort_condition(quals, t->sort_key, t->sort_type, ch);
	}
	foreach(lc, t->indexes)
	{
		DynamoIndex *ix = lfirst(lc);
		DynamoChoice trial;

		if (ch->op == DYNAMO_OP_QUERY && ch->sk)
			break;				/* nothing beats a full key condition */
		if (info->rel->consistent_read && !ix->is_local)
			continue;			/* GSIs have no consistent reads */
		if (!index_covers(info, ix))
			continue;
		memset(&trial, 0, sizeof(trial));
		trial.pk = find_qual(quals, is_key_eq, ix->partition_key, ix->partition_type);
		if (trial.pk == NULL)
			continue;
		if (ix->sort_key)
			pick_sort_condition(quals, ix->sort_key, ix->sort_type, &trial);
		if (ix->sort_key && trial.sk == NULL && !requires_attr(quals, ix->sort_key))
			continue;			/* items without the sort key are not in it */
		if (ch->op == DYNAMO_OP_QUERY && !trial.sk)
			continue;			/* no better than what we have */
		ch->op = DYNAMO_OP_QUERY;
		ch->index = ix;
		ch->pk = trial.pk;
		ch->sk = trial.sk;
		ch->sk2 = trial.sk2;
	}
	if (ch->op == DYNAMO_OP_QUERY)
	{
		const char *keys[4];

		keys[0] = t->partition_key;
		keys[1] = t->sort_key;
		keys[2] = ch->index ? ch->index->partition_key : NULL;
		keys[3] = ch->index ? ch->index->sort_key : NULL;
		split_rest(ch, quals, keys, 4, true);
		ch->rows = clamp_rows(info->items * sel);
		ch->requests = Max(1.0, ceil(ch->rows * 10 * info->item_bytes / DYNAMO_PAGE_BYTES));
		return ch;
	}

	ch->op = DYNAMO_OP_SCAN;
	split_rest(ch, quals, NULL, 0, true);
	ch->rows = clamp_rows(info->items * sel);
	ch->requests = Max(1.0, ceil(info->items * info->item_bytes / DYNAMO_PAGE_BYTES));
	return ch;
}

/*
 * GetForeignRelSize: classify each restriction (what DynamoDB can
 * evaluate, deparse.c), note the columns used, and estimate the rows from
 * the operation the conditions allow.  What it learns goes to the later
 * planner callbacks in baserel->fdw_private.
 */
void
dynamoGetForeignRelSize(PlannerInfo *root, RelOptInfo *baserel,
						Oid foreigntableid)
{
	DynamoPlanInfo *info = palloc0(sizeof(DynamoPlanInfo));
	DynamoDeparseContext ctx;
	ListCell   *lc;
	DynamoChoice *ch;

	info->rel = dynamo_get_relation(foreigntableid);
	{
		DynamoServerOptions *sopts = dynamo_get_server_options(info->rel->server);

		info->request_cost = sopts->request_cost;
		info->item_cost = sopts->item_cost;
	}
	info->items = info->rel->meta->item_count > 0 ? info->rel->meta->item_count
		: DYNAMO_DEFAULT_ITEMS;
	info->item_bytes = info->rel->meta->item_count > 0
		? Max(info->rel->meta->table_bytes / info->rel->meta->item_count, 16.0)
		: 200.0;

	ctx.root = root;
	ctx.relid = baserel->relid;
	ctx.rel = info->rel;
	ctx.allow_outer = false;
	ctx.in_or = false;
	foreach(lc, baserel->baserestrictinfo)
	{
		RestrictInfo *ri = lfirst(lc);
		DynamoQual *q = palloc0(sizeof(DynamoQual));

		q->rinfo = ri;
		q->cond = dynamo_classify(ri->clause, &ctx);
		info->quals = lappend(info->quals, q);
	}

	pull_varattnos((Node *) baserel->reltarget->exprs, baserel->relid,
				   &info->attrs_used);
	foreach(lc, baserel->baserestrictinfo)
		pull_varattnos((Node *) ((RestrictInfo *) lfirst(lc))->clause,
					   baserel->relid, &info->attrs_used);

	baserel->fdw_private = info;
	ch = choose_operation(root, baserel, info, info->quals);
	baserel->rows = ch->rows;
	baserel->tuples = info->items;
}

/* Is a join clause's other side free of our relation, and our side a key? */
static bool
ec_member_is_key(PlannerInfo *root, RelOptInfo *rel, EquivalenceClass *ec,
				 EquivalenceMember *em, void *arg)
{
	DynamoPlanInfo *info = arg;
	Var		   *var = (Var *) em->em_expr;
	const DynamoColumn *col;
	const DynamoTable *t = info->rel->meta;

	while (var && IsA(var, RelabelType))
		var = (Var *) ((RelabelType *) var)->arg;
	if (var == NULL || !IsA(var, Var) || var->varno != (int) rel->relid ||
		var->varattno <= 0)
		return false;
	col = &info->rel->columns[var->varattno - 1];
	return !col->dropped &&
		(strcmp(col->attr, t->partition_key) == 0 ||
		 (t->sort_key && strcmp(col->attr, t->sort_key) == 0));
}

/*
 * Does the query's ORDER BY ask for exactly the sort key order of the Query
 * CH makes?  DynamoDB orders S and B keys by bytes (PostgreSQL's C
 * collation) and N keys as numbers; sets *forward for ascending.
 */
static bool
sort_key_order(PlannerInfo *root, RelOptInfo *baserel, DynamoPlanInfo *info,
			   DynamoChoice *ch, bool *forward)
{
	const DynamoTable *t = info->rel->meta;
	const char *sk = ch->index ? ch->index->sort_key : t->sort_key;
	char		sk_type = ch->index ? ch->index->sort_type : t->sort_type;
	PathKey    *pathkey;
	ListCell   *lc;

	if (sk == NULL || list_length(root->query_pathkeys) != 1)
		return false;
	pathkey = linitial(root->query_pathkeys);
	if (pathkey->pk_eclass->ec_has_volatile)
		return false;

	foreach(lc, pathkey->pk_eclass->ec_members)
	{
		EquivalenceMember *em = lfirst(lc);
		Expr	   *e = em->em_expr;
		const DynamoColumn *col;
		Oid			opclass;

		while (e && IsA(e, RelabelType))
			e = ((RelabelType *) e)->arg;
		if (!IsA(e, Var) || ((Var *) e)->varno != (int) baserel->relid ||
			((Var *) e)->varattno <= 0)
			continue;
		col = &info->rel->columns[((Var *) e)->varattno - 1];
		if (col->dropped || strcmp(col->attr, sk) != 0 ||
			dynamo_family_tag(col) != sk_type)
			continue;
		opclass = GetDefaultOpClass(col->type, BTREE_AM_OID);
		if (!OidIsValid(opclass) || get_opclass_family(opclass) != pathkey->pk_opfamily)
			continue;
		if (sk_type == DYNAMO_TYPE_S &&
			!(pathkey->pk_eclass->ec_collation == C_COLLATION_OID ||
			  pathkey->pk_eclass->ec_collation == POSIX_COLLATION_OID ||
			  lc_collate_is_c(pathkey->pk_eclass->ec_collation)))
			continue;
		/* the sort key is never NULL in a Query's items: nulls_first is moot */
		*forward = dynamo_pathkey_ascending(pathkey);
		return true;
	}
	return false;
}

/*
 * How many items to ask for per page when a LIMIT makes the rest useless:
 * only for a single-table query whose every condition DynamoDB applies
 * before counting (no filter, nothing local), and whose order is already
 * right.  Only a page size: a scan still reads on while rows are wanted.
 */
static int
limit_hint(PlannerInfo *root, DynamoChoice *ch)
{
	if (root->limit_tuples <= 0 || root->limit_tuples > 1000 ||
		bms_membership(root->all_baserels) != BMS_SINGLETON ||
		ch->filter != NIL || ch->local != NIL ||
		(root->query_pathkeys != NIL && !ch->ordered) ||
		(ch->op != DYNAMO_OP_QUERY && ch->op != DYNAMO_OP_SCAN))
		return -1;
	return (int) root->limit_tuples;
}

static void
add_scan_path(PlannerInfo *root, RelOptInfo *baserel, DynamoPlanInfo *info,
			  DynamoChoice *ch, Relids required_outer, List *pathkeys)
{
	Cost		startup = info->request_cost;
	Cost		total = ch->requests * info->request_cost +
		(ch->op == DYNAMO_OP_SCAN ? info->items : ch->rows) * info->item_cost +
		ch->rows * cpu_tuple_cost;

	add_path(baserel, (Path *)
			 create_foreignscan_path(root, baserel, NULL, ch->rows,
									 startup, total, pathkeys, required_outer,
									 NULL, list_make1(ch)));
}

/*
 * A Scan in PostgreSQL's parallel query: the leader and its workers share
 * the Scan's segments (scan.c), each reading whole segments it claims.
 * With scan_segments N > 1 they are those N segments, for N participants
 * at most (in a serial plan the one backend reads them together); without
 * the option, a table of several pages gets two segments a page, at least
 * two a participant: small shares even out what participants that start
 * late or draw two-page segments would leave to the last one.  A single
 * segment or page has nothing to share.
 * Costs and rows are per participant.
 */
static void
add_parallel_scan_path(PlannerInfo *root, RelOptInfo *baserel, DynamoPlanInfo *info,
					   DynamoChoice *ch)
{
	DynamoChoice *pch;
	double		pages = ceil(info->items * info->item_bytes / DYNAMO_PAGE_BYTES);
	int			workers = max_parallel_workers_per_gather;
	int			segments;
	double		share;
	Path	   *path;

	if (!baserel->consider_parallel || ch->op != DYNAMO_OP_SCAN || ch->limit > 0 ||
		workers <= 0)
		return;
	if (info->rel->scan_segments > 0)
	{
		if (info->rel->scan_segments < 2)
			return;
		segments = info->rel->scan_segments;
		workers = Min(workers, segments - 1);
	}
	else
	{
		if (pages < 2)
			return;
		segments = (int) Min(2 * Max(pages, (double) (workers + 1)),
							 (double) DYNAMO_MAX_SCAN_SEGMENTS);
	}
	pch = palloc(sizeof(DynamoChoice));
	*pch = *ch;
	pch->parallel_segments = segments;
	share = workers + 1;
	path = (Path *) create_foreignscan_path(root, baserel, NULL, clamp_rows(ch->rows / share),
											info->request_cost,
											(ch->requests * info->request_cost +
											 info->items * info->item_cost +
											 ch->rows * cpu_tuple_cost) / share,
											NIL, NULL, NULL, list_make1(pch));
	path->parallel_aware = true;
	path->parallel_safe = true;
	path->parallel_workers = workers;
	add_partial_path(baserel, path);
}

/*
 * GetForeignPaths: one unparameterized path, and for joins on the key,
 * parameterized paths that read just the items an outer row asks for
 * (GetItem or Query per outer row) instead of the whole table.
 */
void
dynamoGetForeignPaths(PlannerInfo *root, RelOptInfo *baserel,
					  Oid foreigntableid)
{
	DynamoPlanInfo *info = baserel->fdw_private;
	DynamoChoice *ch = choose_operation(root, baserel, info, info->quals);
	List	   *join_clauses = NIL;
	List	   *outer_sets = NIL;
	DynamoDeparseContext ctx;
	ListCell   *lc;

	/*
	 * A Query returns items in sort key order: offer that order when the
	 * query wants it and PostgreSQL would sort the same way.
	 */
	if (ch->op == DYNAMO_OP_QUERY && root->query_pathkeys != NIL)
	{
		bool		forward;

		if (sort_key_order(root, baserel, info, ch, &forward))
		{
			DynamoChoice *och = palloc(sizeof(DynamoChoice));

			*och = *ch;
			och->ordered = true;
			och->forward = forward;
			och->limit = limit_hint(root, och);
			add_scan_path(root, baserel, info, och, NULL, root->query_pathkeys);
		}
	}
	ch->limit = limit_hint(root, ch);
	add_scan_path(root, baserel, info, ch, NULL, NIL);
	add_parallel_scan_path(root, baserel, info, ch);
	if (ch->op == DYNAMO_OP_GET_ITEM || ch->op == DYNAMO_OP_BATCH_GET_ITEM)
		return;					/* nothing to gain */

	/* Join clauses on key attributes: plain ones and equivalence-derived. */
	foreach(lc, baserel->joininfo)
	{
		RestrictInfo *ri = lfirst(lc);

		if (join_clause_is_movable_to(ri, baserel))
			join_clauses = lappend(join_clauses, ri);
	}
	if (baserel->has_eclass_joins)
		join_clauses = list_concat(join_clauses,
								   generate_implied_equalities_for_column(root, baserel,
																		  ec_member_is_key,
																		  info,
																		  baserel->lateral_referencers));

	foreach(lc, join_clauses)
	{
		RestrictInfo *ri = lfirst(lc);
		Relids		outer = bms_union(ri->clause_relids, NULL);

		outer = bms_del_member(outer, baserel->relid);
		if (bms_is_empty(outer) || bms_overlap(outer, baserel->lateral_relids))
			continue;
		outer_sets = list_append_unique_ptr(outer_sets, outer);
		if (list_length(outer_sets) > 4)
			break;				/* enough choice for the planner */
	}

	ctx.root = root;
	ctx.relid = baserel->relid;
	ctx.rel = info->rel;
	ctx.allow_outer = true;
	ctx.in_or = false;
	foreach(lc, outer_sets)
	{
		Relids		outer = lfirst(lc);
		ParamPathInfo *ppi = get_baserel_parampathinfo(root, baserel, outer);
		List	   *quals = list_copy(info->quals);
		ListCell   *lc2;
		DynamoChoice *pch;

		foreach(lc2, ppi->ppi_clauses)
		{
			RestrictInfo *ri = lfirst(lc2);
			DynamoQual *q = palloc0(sizeof(DynamoQual));

			q->rinfo = ri;
			q->cond = dynamo_classify(ri->clause, &ctx);
			quals = lappend(quals, q);
		}
		pch = choose_operation(root, baserel, info, quals);
		if (pch->op != DYNAMO_OP_GET_ITEM && pch->op != DYNAMO_OP_QUERY)
			continue;
		pch->rows = Min(pch->rows, ppi->ppi_rows);
		if (pch->op == DYNAMO_OP_GET_ITEM)
			pch->rows = 1;
		add_scan_path(root, baserel, info, pch, outer, NIL);
	}
}

/* Conditions of QUALS as one expression joined by AND, or "". */
static char *
deparse_conds(List *quals, DynamoExprBuilder *b)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	foreach(lc, quals)
	{
		if (buf.len > 0)
			appendStringInfoString(&buf, " AND ");
		dynamo_deparse_cond(&buf, ((DynamoQual *) lfirst(lc))->cond, b);
	}
	return buf.data;
}

static char *
deparse_key_condition(DynamoChoice *ch, DynamoExprBuilder *b)
{
	StringInfoData buf;

	initStringInfo(&buf);
	dynamo_deparse_cond(&buf, ch->pk->cond, b);
	if (ch->sk && ch->sk2)
	{
		const char *name = dynamo_name_placeholder(b, ch->sk->cond->column->attr);
		const char *lo = dynamo_value_placeholder(b, linitial(ch->sk->cond->values));
		const char *hi = dynamo_value_placeholder(b, linitial(ch->sk2->cond->values));

		appendStringInfo(&buf, " AND %s BETWEEN %s AND %s", name, lo, hi);
	}
	else if (ch->sk)
	{
		appendStringInfoString(&buf, " AND ");
		dynamo_deparse_cond(&buf, ch->sk->cond, b);
	}
	return buf.data;
}

/*
 * How EXPLAIN VERBOSE shows each :vN: a constant as its text, anything else
 * (a parameter, an outer row's value) as such.
 */
List *
dynamo_plan_value_display(List *values)
{
	List	   *result = NIL;
	ListCell   *lc;

	foreach(lc, values)
	{
		Expr	   *e = lfirst(lc);
		char	   *text;

		while (IsA(e, RelabelType))
			e = ((RelabelType *) e)->arg;
		if (IsA(e, Const) && !((Const *) e)->constisnull)
		{
			Oid			out;
			bool		isvarlena;

			getTypeOutputInfo(((Const *) e)->consttype, &out, &isvarlena);
			text = quote_literal_cstr(OidOutputFunctionCall(out, ((Const *) e)->constvalue));
		}
		else if (IsA(e, Param))
			text = psprintf("$%d", ((Param *) e)->paramid);
		else if (IsA(e, Var))
			text = pstrdup("(outer row)");
		else
			text = pstrdup("(expression)");
		result = lappend(result, makeString(text));
	}
	return result;
}

/* Did CH send restriction RI to DynamoDB? */
static bool
is_pushed(const DynamoChoice *ch, RestrictInfo *ri)
{
	ListCell   *lc;

	if ((ch->pk && ch->pk->rinfo == ri) || (ch->sk && ch->sk->rinfo == ri) ||
		(ch->sk2 && ch->sk2->rinfo == ri))
		return true;
	foreach(lc, ch->filter)
		if (((DynamoQual *) lfirst(lc))->rinfo == ri)
			return true;
	return false;
}

/*
 * Segments of a Scan of REL: the scan_segments option when given (read
 * together, page by page); else for a COUNT(*) (pages of counts, a few
 * bytes each) one segment per megabyte of the table (DescribeTable's
 * TableSizeBytes), up to DYNAMO_COUNT_SEGMENTS, read together rather than
 * one round trip after another.  A scan returning items that will read
 * every page (READ_ALL) of a table of twice DYNAMO_PAGES_A_SEGMENT pages or
 * more gets one segment per DYNAMO_PAGES_A_SEGMENT pages, up to
 * DYNAMO_AHEAD_SEGMENTS, each with its next page asked for ahead (*AHEAD),
 * begun one by one as the scan finds itself waiting for pages
 * (scan_page.c): then round trips overlap while a page becomes rows, and
 * memory stays a few pages.  Else 1 (the next page asked for ahead, one at
 * a time).
 */
static int
scan_segments(const DynamoRelation *rel, bool count_only, bool read_all, bool *ahead)
{
	double		pages;

	*ahead = false;
	if (rel->scan_segments > 0)
		return rel->scan_segments;
	pages = ceil(rel->meta->table_bytes / DYNAMO_PAGE_BYTES);
	if (count_only)
		return (int) Max(1.0, Min(pages, (double) DYNAMO_COUNT_SEGMENTS));
	if (!read_all || pages < 2 * DYNAMO_PAGES_A_SEGMENT)
		return 1;
	*ahead = true;
	return (int) Min(floor(pages / DYNAMO_PAGES_A_SEGMENT), (double) DYNAMO_AHEAD_SEGMENTS);
}

/*
 * IsForeignScanParallelSafe: workers read DynamoDB as the leader does.  A
 * transaction with buffered writes to the table keeps its scans in the
 * leader, which alone sees them (scan.c checks again at run time, for a
 * plan made before the writes).
 */
bool
dynamoIsForeignScanParallelSafe(PlannerInfo *root, RelOptInfo *rel, RangeTblEntry *rte)
{
	DynamoRelation *drel = dynamo_get_relation(rte->relid);

	return !dynamo_txn_writes_table(drel->server->serverid, drel->meta->table_name);
}

/* ---- fdw_private ---- */

/* How an entry of fdw_private is stored in the List. */
typedef enum ScanPrivateKind
{
	PRIVATE_OPERATION,			/* DynamoOperation, as an Integer */
	PRIVATE_INT,				/* int, as an Integer */
	PRIVATE_BOOL,				/* bool, as an Integer 0/1 */
	PRIVATE_STRING,				/* char *, as a String */
	PRIVATE_LIST				/* List *, as is */
} ScanPrivateKind;

/*
 * Each entry of fdw_private and its field of DynamoScanPlan: pack and
 * unpack both walk this table, so they cannot disagree on the layout.
 */
static const struct
{
	DynamoScanPrivate entry;
	ScanPrivateKind kind;
	size_t		offset;
}			scan_private_fields[] =
{
	{ScanPrivateOperation, PRIVATE_OPERATION, offsetof(DynamoScanPlan, op)},
	{ScanPrivateTable, PRIVATE_STRING, offsetof(DynamoScanPlan, table)},
	{ScanPrivateIndex, PRIVATE_STRING, offsetof(DynamoScanPlan, index)},
	{ScanPrivateKeyCondition, PRIVATE_STRING, offsetof(DynamoScanPlan, keycond)},
	{ScanPrivateFilter, PRIVATE_STRING, offsetof(DynamoScanPlan, filter)},
	{ScanPrivateProjection, PRIVATE_STRING, offsetof(DynamoScanPlan, projection)},
	{ScanPrivateNames, PRIVATE_LIST, offsetof(DynamoScanPlan, names)},
	{ScanPrivateNumValues, PRIVATE_INT, offsetof(DynamoScanPlan, nvalues)},
	{ScanPrivateKeyAttrs, PRIVATE_LIST, offsetof(DynamoScanPlan, key_attrs)},
	{ScanPrivateNumKeys, PRIVATE_INT, offsetof(DynamoScanPlan, nkeys)},
	{ScanPrivateRetrievedAttrs, PRIVATE_LIST, offsetof(DynamoScanPlan, retrieved)},
	{ScanPrivateConsistentRead, PRIVATE_BOOL, offsetof(DynamoScanPlan, consistent)},
	{ScanPrivateSegments, PRIVATE_INT, offsetof(DynamoScanPlan, segments)},
	{ScanPrivateCountOnly, PRIVATE_INT, offsetof(DynamoScanPlan, count_names)},
	{ScanPrivateLimit, PRIVATE_INT, offsetof(DynamoScanPlan, limit)},
	{ScanPrivateOrder, PRIVATE_INT, offsetof(DynamoScanPlan, order)},
	{ScanPrivateValueDisplay, PRIVATE_LIST, offsetof(DynamoScanPlan, value_display)},
	{ScanPrivateSortAttr, PRIVATE_STRING, offsetof(DynamoScanPlan, sort_attr)},
	{ScanPrivateReadAll, PRIVATE_BOOL, offsetof(DynamoScanPlan, read_all)},
	{ScanPrivateSegmentsAhead, PRIVATE_BOOL, offsetof(DynamoScanPlan, segments_ahead)},
};

StaticAssertDecl(lengthof(scan_private_fields) == ScanPrivateCount,
				 "scan_private_fields must list every DynamoScanPrivate entry");

/*
 * PLAN as a ForeignScan's fdw_private: a List of copyable nodes in
 * DynamoScanPrivate's order (direct.c reads an entry or two by index).
 * Strings must not be NULL.
 */
List *
dynamo_scan_private_pack(const DynamoScanPlan *plan)
{
	List	   *priv = NIL;
	int			i;

	for (i = 0; i < ScanPrivateCount; i++)
	{
		const char *field = (const char *) plan + scan_private_fields[i].offset;
		Node	   *n = NULL;

		Assert(scan_private_fields[i].entry == i);
		switch (scan_private_fields[i].kind)
		{
			case PRIVATE_OPERATION:
				n = (Node *) makeInteger(*(const DynamoOperation *) field);
				break;
			case PRIVATE_INT:
				n = (Node *) makeInteger(*(const int *) field);
				break;
			case PRIVATE_BOOL:
				n = (Node *) makeInteger(*(const bool *) field ? 1 : 0);
				break;
			case PRIVATE_STRING:
				Assert(*(char *const *) field != NULL);
				n = (Node *) makeString(*(char *const *) field);
				break;
			case PRIVATE_LIST:
				n = (Node *) *(List *const *) field;
				break;
		}
		priv = lappend(priv, n);
	}
	return priv;
}

/* The fields of PLAN from FDW_PRIVATE, as dynamo_scan_private_pack made it. */
void
dynamo_scan_private_unpack(List *fdw_private, DynamoScanPlan *plan)
{
	int			i;

	if (list_length(fdw_private) != ScanPrivateCount)
		elog(ERROR, "dynamo_fdw: fdw_private has %d entries, not %d",
			 list_length(fdw_private), (int) ScanPrivateCount);
	memset(plan, 0, sizeof(DynamoScanPlan));
	for (i = 0; i < ScanPrivateCount; i++)
	{
		char	   *field = (char *) plan + scan_private_fields[i].offset;
		Node	   *n = list_nth(fdw_private, i);

		switch (scan_private_fields[i].kind)
		{
			case PRIVATE_OPERATION:
				*(DynamoOperation *) field = (DynamoOperation) intVal(n);
				break;
			case PRIVATE_INT:
				*(int *) field = intVal(n);
				break;
			case PRIVATE_BOOL:
				*(bool *) field = intVal(n) != 0;
				break;
			case PRIVATE_STRING:
				*(char **) field = strVal(n);
				break;
			case PRIVATE_LIST:
				*(List **) field = (List *) n;
				break;
		}
	}
}

/* ---- the plan ---- */

/*
 * Split SCAN_CLAUSES into the ones CH did not push (*local, checked by the
 * executor) and the pushed ones (*recheck): rows this transaction wrote
 * itself come from the write buffer, not from DynamoDB, and are checked
 * with them.
 */
static void
split_clauses(const DynamoChoice *ch, List *scan_clauses, List **local, List **recheck)
{
	ListCell   *lc;

	*local = *recheck = NIL;
	foreach(lc, scan_clauses)
	{
		RestrictInfo *ri = lfirst(lc);

		if (is_pushed(ch, ri))
			*recheck = lappend(*recheck, ri->clause);
		else
			*local = lappend(*local, ri->clause);
	}
}

/*
 * The attnums of the columns to fill (the target list's, unless COUNT_ONLY,
 * and the quals'); *whole_item set when the whole item is needed (a
 * whole-row reference or a document column).
 */
static List *
retrieved_columns(const DynamoPlanInfo *info, RelOptInfo *baserel, bool count_only,
				  List *local_exprs, List *recheck_exprs, bool *whole_item)
{
	Bitmapset  *needed = NULL;
	List	   *retrieved = NIL;
	int			i;

	if (!count_only)
		pull_varattnos((Node *) baserel->reltarget->exprs, baserel->relid, &needed);
	pull_varattnos((Node *) local_exprs, baserel->relid, &needed);
	pull_varattnos((Node *) recheck_exprs, baserel->relid, &needed);
	*whole_item = bms_is_member(0 - FirstLowInvalidHeapAttributeNumber, needed);

	for (i = 0; i < info->rel->ncolumns; i++)
	{
		const DynamoColumn *col = &info->rel->columns[i];

		if (col->dropped)
			continue;
		if (!*whole_item &&
			!bms_is_member(col->attnum - FirstLowInvalidHeapAttributeNumber, needed))
			continue;
		retrieved = lappend_int(retrieved, col->attnum);
		if (col->document)
			*whole_item = true;
	}
	return retrieved;
}

/*
 * GetItem and BatchGetItem: the key expressions, partition (and sort) key
 * of each key, every combination of the values; *nkeys the keys.
 */
static List *
key_expressions(const DynamoChoice *ch, const DynamoTable *t, int *nkeys)
{
	List	   *pks = ch->pk->cond->values;
	List	   *sks = ch->sk ? ch->sk->cond->values : list_make1(NULL);
	List	   *key_exprs = NIL;
	ListCell   *p,
			   *s;

	*nkeys = 0;
	foreach(p, pks)
		foreach(s, sks)
	{
		key_exprs = lappend(key_exprs, lfirst(p));
		if (t->sort_key)
			key_exprs = lappend(key_exprs, lfirst(s));
		(*nkeys)++;
	}
	return key_exprs;
}

/*
 * ProjectionExpression of the RETRIEVED columns, with the key always
 * (buffered writes are matched to items by it); "" when the whole item is
 * needed.
 */
static char *
projection_of(const DynamoPlanInfo *info, List *retrieved, bool whole_item,
			  DynamoExprBuilder *b)
{
	List	   *attrs = NIL;
	ListCell   *lc;

	if (whole_item)
		return pstrdup("");
	foreach(lc, retrieved)
	{
		const DynamoColumn *col = &info->rel->columns[lfirst_int(lc) - 1];

		attrs = list_append_unique(attrs, makeString(col->attr));
	}
	return dynamo_projection(info->rel->meta, attrs, b);
}

/*
 * COUNT(*)'s scan tuple: the count(*) aggregates, then the RETRIEVED
 * columns the pushed conditions need, for rows of this transaction's
 * buffered writes (counted here rather than by DynamoDB).
 */
static List *
count_scan_tlist(RelOptInfo *foreignrel, const DynamoPlanInfo *info,
				 RelOptInfo *baserel, List *retrieved)
{
	List	   *scan_tlist = add_to_flat_tlist(NIL, foreignrel->reltarget->exprs);
	ListCell   *lc;

	foreach(lc, retrieved)
	{
		const DynamoColumn *col = &info->rel->columns[lfirst_int(lc) - 1];

		scan_tlist = lappend(scan_tlist,
							 makeTargetEntry((Expr *) makeVar(baserel->relid, col->attnum,
															  col->type, col->typmod,
															  col->collation, 0),
											 list_length(scan_tlist) + 1, NULL, true));
	}
	return scan_tlist;
}

/*
 * GetForeignPlan: the ForeignScan of the chosen path, its DynamoDB
 * request's parts deparsed now (key condition, filter, projection, names)
 * and packed into fdw_private; fdw_exprs holds what is evaluated at run
 * time (the :vN values, then the keys of GetItem and BatchGetItem).  A
 * COUNT(*) path (an upper relation's) becomes a scan with no scan relation
 * whose row is the count.
 */
ForeignScan *
dynamoGetForeignPlan(PlannerInfo *root, RelOptInfo *foreignrel,
					 Oid foreigntableid, ForeignPath *best_path,
					 List *tlist, List *scan_clauses, Plan *outer_plan)
{
	bool		count_only = IS_UPPER_REL(foreignrel);
	RelOptInfo *baserel = count_only ? lsecond(best_path->fdw_private) : foreignrel;
	DynamoPlanInfo *info = baserel->fdw_private;
	DynamoChoice *ch = linitial(best_path->fdw_private);
	const DynamoTable *t = info->rel->meta;
	DynamoExprBuilder b = {NIL, NIL};
	DynamoScanPlan plan;
	List	   *local_exprs;
	List	   *recheck_exprs;
	List	   *key_exprs = NIL;
	bool		whole_item;

	/* a COUNT(*) path pushed every condition */
	if (count_only)
		scan_clauses = baserel->baserestrictinfo;
	split_clauses(ch, scan_clauses, &local_exprs, &recheck_exprs);

	memset(&plan, 0, sizeof(plan));
	plan.op = ch->op;
	plan.table = t->table_name;
	plan.index = ch->index ? ch->index->name : "";
	plan.retrieved = retrieved_columns(info, baserel, count_only, local_exprs,
									   recheck_exprs, &whole_item);
	plan.key_attrs = list_make1(makeString(t->partition_key));
	if (t->sort_key)
		plan.key_attrs = lappend(plan.key_attrs, makeString(t->sort_key));
	plan.keycond = "";
	if (ch->op == DYNAMO_OP_GET_ITEM || ch->op == DYNAMO_OP_BATCH_GET_ITEM)
		key_exprs = key_expressions(ch, t, &plan.nkeys);
	else if (ch->op == DYNAMO_OP_QUERY)
		plan.keycond = deparse_key_condition(ch, &b);
	plan.filter = deparse_conds(ch->filter, &b);
	plan.count_names = count_only ? list_length(b.names) : -1;
	plan.projection = projection_of(info, plan.retrieved, whole_item, &b);
	plan.names = b.names;
	plan.nvalues = list_length(b.values);
	plan.consistent = info->rel->consistent_read;
	/* tuple_fraction 0: the planner expects every row to be fetched */
	plan.read_all = root->tuple_fraction <= 0.0;
	plan.segments = ch->parallel_segments > 0 ? ch->parallel_segments :
		ch->op == DYNAMO_OP_SCAN ?
		scan_segments(info->rel, count_only, plan.read_all && ch->limit <= 0,
					  &plan.segments_ahead) : 1;
	plan.limit = ch->limit;
	plan.order = ch->ordered ? (ch->forward ? 1 : -1) : 0;
	plan.value_display = dynamo_plan_value_display(list_concat(list_copy(b.values),
															   key_exprs));
	plan.sort_attr = pstrdup(ch->index ? (ch->index->sort_key ? ch->index->sort_key : "")
							 : (t->sort_key ? t->sort_key : ""));

	if (!count_only)
		return make_foreignscan(tlist, local_exprs, baserel->relid,
								list_concat(b.values, key_exprs),
								dynamo_scan_private_pack(&plan),
								NIL, recheck_exprs, outer_plan);
	Assert(local_exprs == NIL);
	return make_foreignscan(tlist, NIL, 0, list_concat(b.values, key_exprs),
							dynamo_scan_private_pack(&plan),
							count_scan_tlist(foreignrel, info, baserel, plan.retrieved),
							recheck_exprs, outer_plan);
}

/* Is E count(*), plain (no FILTER, DISTINCT or ORDER BY)? */
static bool
is_plain_count_star(Expr *e)
{
	Aggref	   *a;

	if (!IsA(e, Aggref))
		return false;
	a = (Aggref *) e;
	return a->aggfnoid == F_COUNT_ && a->aggstar && a->aggfilter == NULL &&
		a->aggdistinct == NIL && a->aggorder == NIL &&
		a->aggsplit == AGGSPLIT_SIMPLE && a->agglevelsup == 0;
}

/*
 * GetForeignUpperPaths: SELECT count(*) FROM t [WHERE ...] as a Query or
 * Scan with Select=COUNT, when DynamoDB evaluates every condition (the
 * count is then exact) and there is nothing else to compute.
 */
void
dynamoGetForeignUpperPaths(PlannerInfo *root, UpperRelationKind stage,
						   RelOptInfo *input_rel, RelOptInfo *output_rel,
						   void *extra)
{
	Query	   *parse = root->parse;
	DynamoPlanInfo *info;
	DynamoChoice *ch;
	ListCell   *lc;
	Cost		total;

	if (stage != UPPERREL_GROUP_AGG || input_rel->reloptkind != RELOPT_BASEREL ||
		input_rel->fdw_private == NULL || output_rel->fdw_private != NULL)
		return;
	if (parse->groupClause || parse->groupingSets || parse->havingQual ||
		parse->hasTargetSRFs || input_rel->lateral_relids)
		return;
	if (output_rel->reltarget->exprs == NIL)
		return;
	foreach(lc, output_rel->reltarget->exprs)
		if (!is_plain_count_star(lfirst(lc)))
			return;

	info = input_rel->fdw_private;
	ch = choose_operation(root, input_rel, info, info->quals);
	if ((ch->op != DYNAMO_OP_QUERY && ch->op != DYNAMO_OP_SCAN) || ch->local != NIL)
		return;
	output_rel->fdw_private = ch;	/* offered once */

	/* DynamoDB still reads every item, but sends none */
	total = ch->requests * info->request_cost +
		(ch->op == DYNAMO_OP_SCAN ? info->items : ch->rows) * info->item_cost * 0.1;
	add_path(output_rel, (Path *)
			 create_foreign_upper_path(root, output_rel, output_rel->reltarget,
									   1, info->request_cost, total, NIL, NULL,
									   list_make2(ch, input_rel)));
}
