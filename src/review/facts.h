/*
 * facts.h — what the review reads about an existing table: is it empty, how
 * many rows and bytes (heap and TOAST; partitions and inheritance children
 * added up).  Cheap by construction: never a full scan.  Emptiness is proven
 * by the absence of pages, or by a bounded read of the first pages with the
 * caller's snapshot (a TID-range scan of at most 64 pages, as a reader);
 * rows are PostgreSQL's planner estimate over the current size
 * (estimate_rel_size).  A table another session holds locked against readers
 * is never waited for: its catalog statistics are used instead.  Nor is a
 * table the caller may not SELECT, or whose row-level security hides rows
 * from it, ever read (whether it holds rows is not the caller's to learn):
 * its pg_class statistics (relpages, reltuples) give the size, and it is
 * never proven empty.
 */
#pragma once

#include "common/pg.h"

namespace mg::review {

struct TableFacts {
    bool empty;     /* proven empty */
    bool locked;    /* could not be read now: another session holds a conflicting lock */
    double rows;    /* estimate */
    int64 bytes;
    int children;   /* partitions / inheritance children included */
    bool unreadable; /* this role may not read all of it (SELECT, RLS): statistics only, never proven empty */
};

/* Cached for the duration of one review. */
const TableFacts *table_facts(Oid relid);
/* The relation alone, without its partitions or children (an index: its catalog size, empty with its table). */
const TableFacts *relation_facts(Oid relid);
/* pg_class statistics only (relpages, reltuples): nothing is locked or read; never proven empty. */
TableFacts catalog_facts(Oid relid);
void facts_reset();

/* "empty", "~1,234 rows, 56 MB" (and a note when it could not be read). */
char *size_text(const TableFacts *f);

/* 1234567 -> "1,234,567" */
char *grouped_number(double n);

} // namespace mg::review
